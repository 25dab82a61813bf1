"""Forms of the savings pages. Choices (cash and bank accounts, products, months) are
filled in by the view from the cooperative's own data, so a tampered value is a field error."""
from functools import partial

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.web import fields
from coop_app.web.fields import ChoiceField, LocalDateField, MoneyField, PercentField, SubmissionKeyField
from coop_app.web.fields import at_most, choices, iso_date, label, optional_int, required
from coop_app.web.fields import TextForm  # text fields drop control characters (NUL)
from coop_app.savings.models import (AVERAGE_DAILY, BERJANGKA, LOWEST_MONTHLY, MUDHARABAH, POKOK,
                                     SUKARELA, WADIAH, WAJIB)

KIND_LABELS = {
    POKOK: _l("Pokok (once, at joining)"), WAJIB: _l("Wajib (mandatory, periodic)"),
    SUKARELA: _l("Sukarela (voluntary)"), BERJANGKA: _l("Berjangka (time deposit)"),
    WADIAH: _l("Wadiah (safekeeping)"), MUDHARABAH: _l("Mudharabah (profit sharing)"),
}
METHOD_LABELS = {AVERAGE_DAILY: _l("Average daily balance"),
                 LOWEST_MONTHLY: _l("Lowest balance in the month")}
PERIOD_LABELS = {1: _l("Every month"), 3: _l("Every three months"), 6: _l("Every six months"),
                 12: _l("Every year")}


def kind_label(kind):
    return label(KIND_LABELS, kind)


# A count typed on a savings form, in the words these pages have always used.
WholeNumberField = partial(fields.WholeNumberField, message=_l("Enter a whole number."))


class ProductForm(TextForm):
    code = StringField(_l("Code"), validators=[required(), at_most(20)],
                       description=_l("Account numbers start with it; it cannot change later."))
    name = StringField(_l("Name"), validators=[required(), at_most(100)])
    kind = ChoiceField(_l("Kind"), validators=[required(_l("Choose the kind of savings."))])
    fixed_amount = MoneyField(_l("Fixed amount (Rp)"), description=_l("Pokok and wajib only."))
    period_months = ChoiceField(_l("Wajib is due"), coerce=optional_int, validators=[Optional()],
                                choices=choices([("", "—")] + list(PERIOD_LABELS.items())))
    interest_rate = PercentField(_l("Interest rate (% a year)"),
                                 description=_l("Sukarela and berjangka of a conventional cooperative."))
    interest_method = ChoiceField(_l("Interest on"), default=AVERAGE_DAILY,
                                  choices=choices(METHOD_LABELS.items()),
                                  validators=[required()])
    nisbah_member_pct = WholeNumberField(_l("Members' nisbah (%)"), validators=[Optional()],
                                         description=_l("Mudharabah: the members' share of the income."))
    min_balance = MoneyField(_l("Minimum balance (Rp)"), allow_zero=True)
    min_opening = MoneyField(_l("Minimum opening deposit (Rp)"), allow_zero=True)
    term_months = WholeNumberField(_l("Term (months)"), validators=[Optional()],
                                   description=_l("Time deposits only."))
    early_withdrawal_allowed = BooleanField(_l("Early withdrawal allowed (time deposits)"))
    early_withdrawal_penalty = PercentField(_l("Early-withdrawal penalty (percent of the amount)"))
    mandatory = BooleanField(_l("Mandatory: every new member gets this account"))
    active = BooleanField(_l("Offered to members"), default=True)


class OpenAccountForm(TextForm):
    member_number = StringField(_l("Member number"), validators=[
        required(_l("Give the member number.")), at_most(30)])
    product = ChoiceField(_l("Product"), coerce=optional_int,
                          validators=[required(_l("Choose the product."))])
    opened_on = LocalDateField(_l("Opening date"), validators=[required()], default=coop_today)
    amount = MoneyField(_l("Opening deposit (Rp)"), validators=[required(_l("Enter the amount."))])
    money_account = ChoiceField(_l("Received into"), coerce=optional_int,
                                validators=[required(_l("Choose an account."))])
    key = SubmissionKeyField()


class MovementForm(TextForm):
    """A deposit or a withdrawal."""
    entry_date = LocalDateField(_l("Date"), validators=[required()], default=coop_today)
    money_account = ChoiceField(_l("Cash or bank account"), coerce=optional_int,
                                validators=[required(_l("Choose an account."))])
    amount = MoneyField(_l("Amount (Rp)"), validators=[required(_l("Enter the amount."))])
    memo = StringField(_l("Note (optional)"), validators=[at_most(200)])
    key = SubmissionKeyField()


class CollectWajibForm(TextForm):
    entry_date = LocalDateField(_l("Date"), validators=[required()], default=coop_today)
    money_account = ChoiceField(_l("Received into"), coerce=optional_int,
                                validators=[required(_l("Choose an account."))])
    key = SubmissionKeyField()


class ArrearsFilterForm(TextForm):
    class Meta:
        csrf = False

    as_of = LocalDateField(_l("As of"), validators=[Optional()])


class MonthEndForm(TextForm):
    """The month, and one amount field per profit-sharing or wadiah product (added by
    month_end_form), named amount_<product id>."""
    period_end = ChoiceField(_l("Month"), coerce=iso_date, validators=[required()])


def month_end_form(products, **kwargs):
    """A MonthEndForm with an optional amount for each product that needs the manager's figure."""

    class Form(MonthEndForm):
        pass

    for product, distribution in products:
        text = (_l("Distributable income for %(name)s (Rp)", name=product.name)
                if distribution == "profit_sharing"
                else _l("Wadiah bonus to share in %(name)s (Rp, blank for none)", name=product.name))
        setattr(Form, f"amount_{product.id}", MoneyField(text, validators=[Optional()]))
    return Form(**kwargs)
