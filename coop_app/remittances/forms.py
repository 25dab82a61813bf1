"""Forms of the remittance pages and the member's portal: recording a remittance, the
standing allocation, and the GET filters of lists and statements. Selects are filled by the
view from the cooperative's own rows, so a tampered or foreign id is a field error."""
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Optional, ValidationError

from coop_app.cooperatives.clock import coop_today
from coop_app.web.fields import ChoiceField, LocalDateField, MoneyField, SubmissionKeyField
from coop_app.web.fields import WholePercentField, at_most, choices, label, optional_int, required
from coop_app.web.fields import TextForm  # text fields drop control characters (NUL)
from coop_app.remittances.conversion import CURRENCIES, IDR, RATE_DECIMALS
from coop_app.remittances.recording import BANK, CHANNELS, POS, REMITTANCE_COMPANY

CHANNEL_LABELS = {BANK: _l("Bank"), POS: _l("Post office"),
                  REMITTANCE_COMPANY: _l("Remittance company")}


def channel_label(channel):
    return label(CHANNEL_LABELS, channel)


class RateField(StringField):
    """Rupiah per unit of a foreign currency, typed the local way (`3.412,50` in
    Indonesian, `3,412.50` in English), with at most six decimals. `.data` is a Decimal."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.raw_text = ""

    def process_formdata(self, valuelist):
        self.raw_text = ((valuelist[0] if valuelist else "") or "").strip()
        self.data = None
        if not self.raw_text:
            return
        if len(self.raw_text) > 30:
            raise ValueError(_l("That is not a rate."))
        try:
            value = parse_decimal(self.raw_text.replace(" ", ""), locale=str(get_locale() or "id"),
                                  strict=True)
        except (NumberFormatError, ValueError, ArithmeticError):
            raise ValueError(_l("That is not a rate. Write it like 3.412,50.")
                             if str(get_locale()) == "id"
                             else _l("That is not a rate. Write it like 3,412.50.")) from None
        if not value.is_finite():
            raise ValueError(_l("That is not a rate."))
        self.data = value

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.data <= 0:
            raise ValidationError(_l("The rate must be more than zero."))
        if self.data != self.data.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
            raise ValidationError(_l("The rate has at most six decimals."))

    def _value(self):
        return self.raw_text or ("" if self.data is None else str(self.data))


class RemittanceForm(TextForm):
    sender = ChoiceField(_l("Sent by (migrant worker)"), coerce=optional_int,
                         validators=[required(_l("Choose the migrant worker who sent the money."))])
    country = StringField(_l("Sent from (country)"), validators=[at_most(100)],
                          description=_l("Leave empty for the sender's destination country."))
    channel = ChoiceField(_l("Channel"), choices=choices((c, CHANNEL_LABELS[c]) for c in CHANNELS),
                          validators=[required(_l("Choose how the money was sent."))])
    currency = ChoiceField(_l("Currency"), choices=choices((c, c) for c in CURRENCIES),
                           default=IDR, validators=[required(_l("Choose the currency."))])
    foreign_amount = MoneyField(_l("Amount in the foreign currency"),
                                description=_l("Only for a foreign currency."))
    rate = RateField(_l("Rate (rupiah per 1 unit)"),
                     description=_l("Only for a foreign currency; up to six decimals."))
    amount_idr = MoneyField(_l("Amount in rupiah (Rp)"),
                            description=_l("Only for a remittance in rupiah; for a foreign "
                                           "currency it is computed."))
    received_on = LocalDateField(_l("Date received"), validators=[required()], default=coop_today)
    reference = StringField(_l("Transfer reference"), validators=[
        required(_l("Enter the transfer's reference (the code on the receipt).")), at_most(60)])
    money_account = ChoiceField(_l("Received into (cash or bank)"), coerce=optional_int,
                                validators=[required(_l("Choose an account."))])
    key = SubmissionKeyField()


class AllocationForm(TextForm):
    savings_account = ChoiceField(_l("Savings account"), coerce=optional_int, validators=[Optional()])
    savings_pct = WholePercentField(_l("Share of each remittance (%)"))
    savings_fixed = MoneyField(_l("Or a fixed amount (Rp)"))
    pay_wajib_due = BooleanField(_l("Pay the simpanan wajib due first"))
    pay_instalment_due = BooleanField(_l("Pay the loan instalment due"))


# -- GET filters (no CSRF) ------------------------------------------------------------------

class RemittanceFilterForm(TextForm):
    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("To"), validators=[Optional()])
    member = StringField(_l("Member (name, number or NIK)"), validators=[at_most(100)])


class MemberSearchForm(TextForm):
    class Meta:
        csrf = False

    q = StringField(_l("Member (name, number or NIK)"), validators=[at_most(100)])


class StatementForm(TextForm):
    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[Optional()])
    date_to = LocalDateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period is before its start."))
