"""Form fields shared by every module: amounts typed the Indonesian way, submission keys."""
import uuid
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from coop_app.money import MAX_AMOUNT, MoneyError, format_plain, parse_amount


class MoneyField(StringField):
    """An amount in rupiah as people type it (`1.500.000` or `1.500.000,50` in Indonesian,
    `1,500,000.50` in English). `.data` is a Decimal or None; bad input is a field error."""

    def __init__(self, label=None, validators=None, positive=True, allow_zero=False,
                 maximum=MAX_AMOUNT, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.positive = positive
        self.allow_zero = allow_zero
        self.maximum = maximum
        self.raw_text = ""

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        text = self.raw_text.strip()
        if not text:
            return
        if len(text) > 40:
            raise ValueError(_l("That is not an amount."))
        try:
            self.data = parse_amount(text, str(get_locale() or "id"))
        except MoneyError as error:
            self.data = None
            if "decimals" in str(error):
                raise ValueError(_l("Amounts are exact to the sen: at most two decimals.")) from None
            raise ValueError(_l("That is not an amount. Write it like 1.500.000 or 1.500.000,50.")) \
                if str(get_locale()) == "id" else \
                ValueError(_l("That is not an amount. Write it like 1,500,000 or 1,500,000.50.")) from None

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.data < 0 and self.positive:
            raise ValidationError(_l("The amount must be more than zero."))
        if self.data == 0 and not self.allow_zero:
            raise ValidationError(_l("The amount must be more than zero."))
        if abs(self.data) > self.maximum:
            raise ValidationError(_l("The amount is larger than any single transaction this system accepts."))

    def _value(self):
        if self.raw_text:
            return self.raw_text
        if isinstance(self.data, Decimal):
            return format_plain(self.data, str(get_locale() or "id"))
        return ""


class SubmissionKeyField(HiddenField):
    """A key generated when the form is first shown and posted back with it.

    It becomes the journal entry's idempotency key, so a double click, a refresh or a
    retried submission posts once and then shows the first result.
    """

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        if not self.data and not formdata:  # first display: a fresh key
            self.data = uuid.uuid4().hex

    def pre_validate(self, form):
        if not self.data or len(self.data) > 64 or not all(c in "0123456789abcdef-" for c in self.data):
            raise ValidationError(_l("The form is damaged; reload the page and fill it in again."))


# WTForms ships no Indonesian messages, so every message a user can see is ours.
NOT_A_DATE = _l("That is not a date. Use the form YYYY-MM-DD.")
NOT_A_CHOICE = _l("Choose one of the listed options.")


class LocalDateField(DateField):
    """An HTML5 date input whose parse error is in the user's language."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", NOT_A_DATE)
        super().__init__(label, validators, **kwargs)


class ChoiceField(SelectField):
    """A select that answers a tampered or stale value in the user's language. An empty
    value is left to the field's validators (required or optional)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", NOT_A_CHOICE)
        kwargs.setdefault("invalid_choice_message", NOT_A_CHOICE)
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form):
        if not (self.raw_data and self.raw_data[0]):
            return
        super().pre_validate(form)
