"""Forms of the loan pages. Choices (products, the member's enterprises and savings accounts)
are filled in by the view from the cooperative's own data, so a tampered value is a field
error; every business rule is the service's, whose message is shown next to its field."""
from functools import partial

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.web import fields
from coop_app.web.fields import ChoiceField, LocalDateField, MoneyField, PercentField, SubmissionKeyField
from coop_app.web.fields import choices, optional_int
from coop_app.web.fields import TextForm, at_most, required
from coop_app.loans import models as m

# A count typed on a loan form; its message as on the savings forms.
WholeNumberField = partial(fields.WholeNumberField, message=_l("Enter a whole number."))
# The methods' labels are in methods.py (methods.label).
FREQUENCY_LABELS = {m.MONTHLY: _l("Monthly"), m.WEEKLY: _l("Weekly")}
LATE_CHARGE_LABELS = {m.LATE_NONE: _l("None"), m.LATE_DAILY: _l("A daily percentage of the overdue amount"),
                      m.LATE_FIXED: _l("A fixed amount per overdue instalment each month")}
EARLY_RULE_LABELS = {m.EARLY_ALL: _l("All remaining interest or margin is due"),
                     m.EARLY_CURRENT: _l("Only the current period's interest or margin is due")}
ROUNDING_LABELS = {1: _l("To Rp1"), 100: _l("To Rp100"), 1000: _l("To Rp1,000")}
STATUS_LABELS = {
    m.APPLIED: _l("Applied"), m.APPROVED: _l("Approved"), m.REJECTED: _l("Rejected"),
    m.ACTIVE: _l("Active"), m.PAID_OFF: _l("Paid off"), m.WRITTEN_OFF: _l("Written off"),
    m.CANCELLED: _l("Cancelled"),
}
QUALITY_LABELS = {
    m.LANCAR: _l("Lancar (current)"), m.DPK: _l("Dalam perhatian khusus (special mention)"),
    m.KURANG_LANCAR: _l("Kurang lancar (substandard)"), m.DIRAGUKAN: _l("Diragukan (doubtful)"),
    m.MACET: _l("Macet (loss)"),
}
# What the money is for; working capital and investment are productive (m.PRODUCTIVE).
PURPOSE_KIND_LABELS = {
    m.WORKING_CAPITAL: _l("Working capital"), m.INVESTMENT: _l("Investment"),
    m.CONSUMPTION: _l("Consumption"), m.EDUCATION: _l("Education"), m.OTHER_PURPOSE: _l("Other"),
}
SOURCE_LABELS = {"cash": _l("Cash"), "bank": _l("Bank"), "savings": _l("The member's savings"),
                 "remittance": _l("Remittance"), "recovery": _l("Recovery")}
EVENT_LABELS = {
    "applied": _l("Applied"), "approved": _l("Approved"), "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"), "disbursed": _l("Disbursed"), "repayment": _l("Repayment"),
    "paid_off": _l("Paid off"), "restructured": _l("Restructured"),
    "quality_changed": _l("Quality changed"), "written_off": _l("Written off"),
    "recovery": _l("Recovery"), "reversed": _l("Reversed"),
}


def rounding_choice(value):
    return int(value) if value not in (None, "") else None


# -- products --------------------------------------------------------------------------------

def _days(text):
    return WholeNumberField(text, validators=[required()])


def _rate(text, description=None):
    return PercentField(text, description=description)


class ProductForm(TextForm):
    code = StringField(_l("Code"), validators=[required(), at_most(20)],
                       description=_l("Loan numbers start with it; it cannot change later."))
    name = StringField(_l("Name"), validators=[required(), at_most(100)])
    method = ChoiceField(_l("Method"), validators=[required(_l("Choose the method."))])
    rate = _rate(_l("Rate or margin (% a year)"),
                 _l("Interest; for murabahah the yearly margin on the amount financed; for "
                    "mudharabah the expected equivalent rate. Qardh: 0."))
    nisbah_coop_pct = WholeNumberField(_l("Cooperative's nisbah (%)"), validators=[Optional()],
                                       description=_l("Mudharabah: the cooperative's share of the profit."))
    min_term = WholeNumberField(_l("Shortest term (instalments)"), validators=[required()])
    max_term = WholeNumberField(_l("Longest term (instalments)"), validators=[required()])
    min_amount = MoneyField(_l("Smallest amount (Rp)"), allow_zero=True)
    max_amount = MoneyField(_l("Largest amount (Rp)"), validators=[required(_l("Enter the amount."))])
    frequency = ChoiceField(_l("Instalments"), default=m.MONTHLY, validators=[required()],
                            choices=choices(FREQUENCY_LABELS.items()))
    grace_periods = WholeNumberField(_l("Grace period (instalments)"), default=0,
                                     validators=[Optional()])
    admin_fee_fixed = MoneyField(_l("Admin fee, fixed (Rp)"), allow_zero=True)
    admin_fee = _rate(_l("Admin fee (percent of the amount)"))
    late_charge_kind = ChoiceField(_l("Late charge"), default=m.LATE_NONE, validators=[required()],
                                   choices=choices(LATE_CHARGE_LABELS.items()),
                                   description=_l("For sharia products a ta'zir that goes to the social fund."))
    late_charge_daily = _rate(_l("Late charge (% a day of the overdue amount)"))
    late_charge_fixed = MoneyField(_l("Late charge, fixed (Rp per overdue instalment)"), allow_zero=True)
    rounding = ChoiceField(_l("Round instalments"), coerce=rounding_choice, default=1,
                           validators=[required()], choices=choices(ROUNDING_LABELS.items()))
    early_repayment_rule = ChoiceField(_l("Early full repayment"), default=m.EARLY_CURRENT,
                                       validators=[required()], choices=choices(EARLY_RULE_LABELS.items()))
    max_savings_multiple = WholeNumberField(
        _l("At most this many times the member's savings"), validators=[Optional()],
        description=_l("Blank: no limit by savings."))
    dpk_from_days = _days(_l("Dalam perhatian khusus from day"))
    kl_from_days = _days(_l("Kurang lancar from day"))
    diragukan_from_days = _days(_l("Diragukan from day"))
    macet_from_days = _days(_l("Macet from day"))
    provision_lancar = _rate(_l("Provision on lancar (%)"))
    provision_dpk = _rate(_l("Provision on dalam perhatian khusus (%)"))
    provision_kl = _rate(_l("Provision on kurang lancar (%)"))
    provision_diragukan = _rate(_l("Provision on diragukan (%)"))
    provision_macet = _rate(_l("Provision on macet (%)"))
    active = BooleanField(_l("Offered to members"), default=True)

    # form field -> product column in basis points
    BP_FIELDS = {"rate": "rate_bp", "admin_fee": "admin_fee_bp",
                 "late_charge_daily": "late_charge_daily_bp",
                 "provision_lancar": "provision_lancar_bp", "provision_dpk": "provision_dpk_bp",
                 "provision_kl": "provision_kl_bp", "provision_diragukan": "provision_diragukan_bp",
                 "provision_macet": "provision_macet_bp"}
    PLAIN_FIELDS = ("name", "method", "nisbah_coop_pct", "min_term", "max_term", "min_amount",
                    "max_amount", "frequency", "grace_periods", "admin_fee_fixed",
                    "late_charge_kind", "late_charge_fixed", "rounding", "early_repayment_rule",
                    "max_savings_multiple", "dpk_from_days", "kl_from_days",
                    "diragukan_from_days", "macet_from_days", "active")

    def product_fields(self):
        """The form as product columns (what products.create_product/update_product take)."""
        data = {name: self[name].data for name in self.PLAIN_FIELDS}
        data.update({column: self[name].data or 0 for name, column in self.BP_FIELDS.items()})
        for name in ("min_amount", "admin_fee_fixed", "late_charge_fixed", "grace_periods"):
            data[name] = data[name] or 0
        data["name"] = (data["name"] or "").strip()
        return data

    def load(self, product):
        for name in self.PLAIN_FIELDS:
            self[name].data = getattr(product, name)
        for name, column in self.BP_FIELDS.items():
            self[name].data = getattr(product, column)


# -- simulation ------------------------------------------------------------------------------

class SimulationForm(TextForm):
    class Meta:
        csrf = False  # a calculation writes nothing

    product = ChoiceField(_l("Product"), coerce=optional_int, validators=[Optional()])
    method = ChoiceField(_l("Or a method"), validators=[Optional()])
    rate = PercentField(_l("Rate or margin (% a year)"),
                        description=_l("Blank: the product's rate."))
    amount = MoneyField(_l("Amount financed (Rp)"), validators=[required(_l("Enter the amount."))])
    term = WholeNumberField(_l("Term (instalments)"), validators=[required()])
    start = LocalDateField(_l("Disbursement date"), validators=[required()], default=coop_today)
    margin = MoneyField(_l("Margin (Rp, murabahah)"), allow_zero=True,
                        description=_l("Instead of a margin rate."))
    grace = WholeNumberField(_l("Grace period (instalments)"), validators=[Optional()],
                             description=_l("Blank: the product's."))
    frequency = ChoiceField(_l("Instalments"), validators=[Optional()],
                            choices=choices([("", "—")] + list(FREQUENCY_LABELS.items())))
    rounding = ChoiceField(_l("Round instalments"), coerce=rounding_choice, validators=[Optional()],
                           choices=choices([("", "—")] + list(ROUNDING_LABELS.items())))


class LoanFilterForm(TextForm):
    class Meta:
        csrf = False

    q = StringField(_l("Member: name, NIK or number"), validators=[Optional(), at_most(100)])
    status = ChoiceField(_l("Status"), validators=[Optional()], choices=choices(
        [("", _l("All statuses"))] + list(STATUS_LABELS.items())))
    product = ChoiceField(_l("Product"), coerce=optional_int, validators=[Optional()])
    purpose_kind = ChoiceField(_l("Purpose"), validators=[Optional()], choices=choices(
        [("", _l("All purposes"))] + list(PURPOSE_KIND_LABELS.items())))
    # The home page's task lines link here: loans with an instalment due this week, in arrears.
    due = ChoiceField(_l("Instalments"), validators=[Optional()], choices=choices(
        [("", _l("Any")), ("week", _l("Due within 7 days")), ("overdue", _l("In arrears"))]))


# -- the loan's life ---------------------------------------------------------------------------

class ApplicationForm(TextForm):
    product = ChoiceField(_l("Product"), coerce=optional_int,
                          validators=[required(_l("Choose the product."))])
    amount = MoneyField(_l("Amount (Rp)"), description=_l("Murabahah: leave blank to finance the "
                                                          "cost price less the down payment."))
    term = WholeNumberField(_l("Term (instalments)"), validators=[required()])
    purpose_kind = ChoiceField(_l("Kind of purpose"),
                               validators=[required(_l("Choose the kind of purpose."))],
                               choices=choices([("", _l("Choose…"))] + list(PURPOSE_KIND_LABELS.items())),
                               description=_l("Working capital and investment are productive: they "
                                              "count in the programme's community capital."))
    purpose = StringField(_l("Purpose"), validators=[required(_l("Say what the loan is for.")),
                                                     at_most(300)])
    enterprise = ChoiceField(_l("Enterprise financed"), coerce=optional_int, validators=[Optional()])
    applied_on = LocalDateField(_l("Application date"), validators=[required()], default=coop_today)
    pledged_account = ChoiceField(_l("Savings pledged"), coerce=optional_int, validators=[Optional()])
    pledged_amount = MoneyField(_l("Amount pledged (Rp)"), allow_zero=True)
    collateral_description = StringField(_l("Other collateral"), validators=[at_most(300)])
    collateral_value = MoneyField(_l("Its value (Rp)"), allow_zero=True)
    goods_description = StringField(_l("Goods bought (murabahah)"), validators=[at_most(300)])
    cost_price = MoneyField(_l("Cost price (Rp)"))
    down_payment = MoneyField(_l("Down payment (Rp)"), allow_zero=True)
    margin = MoneyField(_l("Margin (Rp)"), allow_zero=True,
                        description=_l("Blank: the product's margin rate."))
    stated_income = MoneyField(_l("Monthly income the member states (Rp)"),
                               description=_l("The household's income a month, as the member "
                                              "says it: the approval weighs the instalment "
                                              "against it."))
    key = SubmissionKeyField()


class ActionForm(TextForm):
    """What every action on a loan carries: its date and a submission key."""
    on = LocalDateField(_l("Date"), validators=[required()], default=coop_today)
    key = SubmissionKeyField()


class ApproveForm(ActionForm):
    reason = StringField(_l("Note (optional)"), validators=[at_most(300)])


class ReasonForm(ActionForm):
    """Reject, cancel, write off: a reason is required."""
    reason = StringField(_l("Reason"), validators=[required(_l("Give the reason.")), at_most(300)])


class DisburseForm(ActionForm):
    to = ChoiceField(_l("Paid out"), validators=[required(_l("Choose how it is paid out."))],
                     choices=choices((k, SOURCE_LABELS[k]) for k in ("cash", "bank", "savings")))
    savings_account = ChoiceField(_l("Into savings account"), coerce=optional_int,
                                  validators=[Optional()])


class RepayForm(ActionForm):
    amount = MoneyField(_l("Amount (Rp)"), validators=[required(_l("Enter the amount."))])
    source = ChoiceField(_l("Paid from"), validators=[required(_l("Choose where the money comes from."))],
                         choices=choices((k, SOURCE_LABELS[k]) for k in ("cash", "bank", "savings")))
    savings_account = ChoiceField(_l("From savings account"), coerce=optional_int,
                                  validators=[Optional()])


class PayoffForm(ActionForm):
    source = RepayForm.source
    savings_account = RepayForm.savings_account
    quoted_total = HiddenField()


class RestructureForm(ActionForm):
    term = WholeNumberField(_l("New term (instalments)"), validators=[required()])
    rate = PercentField(_l("New rate or margin (% a year)"), description=_l("Blank: unchanged."))
    grace = WholeNumberField(_l("Grace period (instalments)"), default=0, validators=[Optional()])
    reason = ReasonForm.reason


class RecoveryForm(ActionForm):
    amount = MoneyField(_l("Amount recovered (Rp)"), validators=[required(_l("Enter the amount."))])
    source = ChoiceField(_l("Received into"), validators=[required()],
                         choices=choices((k, SOURCE_LABELS[k]) for k in ("cash", "bank")))
