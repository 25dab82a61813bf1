"""Forms of the ledger pages: vouchers, manual entries, reversals, accounts, period close,
and the GET filters of the reports. Choices of account selects are filled in by the view
from the cooperative's own accounts, so a tampered or foreign account id is a field error.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import AnyOf, Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.web.fields import (ChoiceField, LocalDateField, MoneyField, SubmissionKeyField,
                                 at_most, choices, iso_date, label, optional_int,
                                 required)
from coop_app.ledger.models import ACCOUNT_TYPES, ASSET, EQUITY, EXPENSE, INCOME, LIABILITY

MANUAL_LINES = 8

ACCOUNT_TYPE_LABELS = {
    ASSET: _l("Asset"), LIABILITY: _l("Liability"), EQUITY: _l("Equity"),
    INCOME: _l("Income"), EXPENSE: _l("Expense"),
}

def type_label(account_type):
    return label(ACCOUNT_TYPE_LABELS, account_type)


# -- posting forms -------------------------------------------------------------------

class VoucherForm(FlaskForm):
    entry_date = LocalDateField(_l("Date"), validators=[required()], default=coop_today)
    cash_account = ChoiceField(_l("Cash or bank account"), coerce=optional_int,
                               validators=[required(_l("Choose an account."))])
    counter_account = ChoiceField(_l("Account"), coerce=optional_int,
                                  validators=[required(_l("Choose an account."))])
    amount = MoneyField(_l("Amount (Rp)"), validators=[required(_l("Enter the amount."))])
    description = StringField(_l("Description"), validators=[
        required(_l("Describe what the money was for.")), at_most(500)])
    key = SubmissionKeyField()


class ManualLineForm(Form):
    account = ChoiceField(_l("Account"), coerce=optional_int, validators=[Optional()])
    debit = MoneyField(_l("Debit"), render_kw={"data-debit": True})
    credit = MoneyField(_l("Credit"), render_kw={"data-credit": True})
    memo = StringField(_l("Line note"), validators=[at_most(200)])

    def has_input(self):
        return bool(self.account.data or self.debit.raw_text or self.credit.raw_text
                    or self.memo.data or self.errors)


class ManualEntryForm(FlaskForm):
    entry_date = LocalDateField(_l("Date"), validators=[required()], default=coop_today)
    memo = StringField(_l("Description"), validators=[required(_l("Describe the entry.")),
                                                      at_most(500)])
    lines = FieldList(FormField(ManualLineForm), min_entries=MANUAL_LINES, max_entries=MANUAL_LINES)
    key = SubmissionKeyField()

    def set_account_choices(self, options):
        for line in self.lines:
            line.form.account.choices = options

    def rows(self):
        return [(line.account.data, line.debit.data, line.credit.data, line.memo.data)
                for line in (entry.form for entry in self.lines)]


class ReverseForm(FlaskForm):
    reason = StringField(_l("Reason for the reversal"), validators=[
        required(_l("Give the reason for the reversal.")), at_most(500)])
    reversal_date = LocalDateField(_l("Reversal date"), validators=[required()], default=coop_today)
    key = SubmissionKeyField()


# -- chart of accounts and periods -----------------------------------------------------

class AccountForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), at_most(20)])
    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    name_en = StringField(_l("English name (optional)"), validators=[at_most(200)])
    type = ChoiceField(_l("Type"), choices=choices((t, ACCOUNT_TYPE_LABELS[t]) for t in ACCOUNT_TYPES),
                       validators=[required()])
    parent = ChoiceField(_l("Group"), coerce=optional_int,
                         validators=[required(_l("Choose the group the account belongs to."))])
    is_group = BooleanField(_l("This is a group that only sums its accounts"))


class AccountActiveForm(FlaskForm):
    """The chart's activate/deactivate button: "1" or "0" (anything else is a damaged form)."""
    active = HiddenField(validators=[AnyOf(("0", "1"))])


class ClosePeriodForm(FlaskForm):
    period_end = ChoiceField(_l("Close the books up to"), coerce=iso_date, validators=[required()])


# -- report filters (GET, no CSRF) ------------------------------------------------------

class JournalFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("To"), validators=[Optional()])
    account = ChoiceField(_l("Account"), coerce=optional_int, validators=[Optional()])
    kind = ChoiceField(_l("Kind"), validators=[Optional()])


class PeriodFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("To"), validators=[Optional()])


class AsOfForm(FlaskForm):
    class Meta:
        csrf = False

    as_of = LocalDateField(_l("As of"), validators=[Optional()])
