"""Form pieces shared by every face: amounts typed the Indonesian way, submission keys,
dates, choices, whole numbers and percentages, required and length rules, and forms whose
text drops control characters. Every message a person can see is ours (WTForms ships no
Indonesian), so each is translatable."""
import json
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from coop_app.money import MAX_AMOUNT, AmbiguousAmount, MoneyError, format_plain, parse_amount


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
        except AmbiguousAmount as error:
            self.data = None
            raise ValueError(_l("Did you mean %(amount)s? An amount has at most two decimals.",
                                amount=error.suggestion)) from None
        except MoneyError as error:
            self.data = None
            if "decimals" in str(error):
                raise ValueError(_l("Amounts are exact to the sen: at most two decimals.")) from None
            raise ValueError(_invalid_amount(str(get_locale()))) from None

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

    def __call__(self, **kwargs):
        # static/js/amount.js reads this rule to show the amount in words as it is typed
        kwargs.setdefault("data-amount", json.dumps(self.typing_rule()))
        return super().__call__(**kwargs)

    def typing_rule(self):
        """What the page's script needs to read this field as the server will: the
        language's separators, the bounds in sen, and the server's own hints."""
        locale = "en" if str(get_locale() or "id").startswith("en") else "id"
        least = None if not self.positive else (0 if self.allow_zero else 1)
        return {"locale": locale, "least": least, "most": int(self.maximum * 100),
                "label": str(_l("In words")),
                "hints": {"invalid": str(_invalid_amount(locale)),
                          "ambiguous": str(_l("Did you mean %(amount)s? An amount has at most two decimals.",
                                              amount="{amount}")),
                          "decimals": str(_l("Amounts are exact to the sen: at most two decimals.")),
                          "small": str(_l("The amount must be more than zero.")),
                          "large": str(_l("The amount is larger than any single transaction this "
                                          "system accepts."))}}


def _invalid_amount(locale):
    if locale == "en":
        return _l("That is not an amount. Write it like 1,500,000 or 1,500,000.50.")
    return _l("That is not an amount. Write it like 1.500.000 or 1.500.000,50.")


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


# -- small pieces --------------------------------------------------------------------------

def printable(value):
    """What a person typed, without control characters (a NUL even breaks PostgreSQL);
    line breaks stay for notes."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if ch >= " " or ch in "\n\r\t")


class TextForm(FlaskForm):
    """A form whose text fields drop control characters before anything reads them."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                options["filters"] = [*unbound_field.kwargs.get("filters", ()), printable]
            return unbound_field.bind(form=form, **options)


def required(message=None):
    return InputRequired(message=message or _l("This field is required."))


def at_most(n):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def choices(pairs):
    """(value, label) pairs as a select's choices; values compare as strings."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def label(labels, value):
    """A stored code for people: its label, or the code itself when there is none."""
    return labels.get(value, value)


def optional_int(value):
    """A select's coerce for an optional id: '' is None."""
    if value in (None, ""):
        return None
    return int(value)


def iso_date(value):
    """A select's coerce for a date given as YYYY-MM-DD."""
    return date.fromisoformat(value) if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """A count typed by a person (at most nine digits); a parse error in their language."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Write a whole number, like 3.")

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if not text:
            return
        if len(text) > 9 or not text.isdigit():
            raise ValueError(self.message)
        self.data = int(text)


class PercentField(StringField):
    """A yearly rate or share typed as a percentage ("3", "3,5" or "3.25"); `.data` is in
    basis points (3,5% -> 350) or None when empty."""

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        text = self.raw_text.strip().rstrip("%").strip().replace(",", ".")
        if not text:
            return
        try:
            value = Decimal(text) if len(text) <= 10 else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value * 100 != int(value * 100):
            raise ValueError(_l("Write a percentage like 3 or 3,5 (at most two decimals)."))
        self.data = int(value * 100)

    def _value(self):
        if getattr(self, "raw_text", ""):
            return self.raw_text
        if self.data is None:
            return ""
        return format(Decimal(self.data) / 100, "f").rstrip("0").rstrip(".") if self.data else "0"


class WholePercentField(StringField):
    """A whole percentage from 1 to 100; `.data` is an int or None."""

    def process_formdata(self, valuelist):
        text = ((valuelist[0] if valuelist else "") or "").strip().rstrip("%").strip()
        self.data = None
        if not text:
            return
        if not text.isdigit() or len(text) > 3:
            raise ValueError(_l("The percentage is a whole number from 1 to 100."))
        self.data = int(text)

    def pre_validate(self, form):
        if self.data is not None and not 1 <= self.data <= 100:
            raise ValidationError(_l("The percentage is a whole number from 1 to 100."))

    def _value(self):
        return "" if self.data is None else str(self.data)
