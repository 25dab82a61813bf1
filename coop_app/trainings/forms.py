"""Forms of the training pages: a training, adding a participant (by member number or from
the list), a certificate, removing a participant, and an enterprise's assistance."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.trainings.models import CASH, IN_KIND
from coop_app.web.fields import (ChoiceField, LocalDateField, MoneyField, TextForm, at_most, choices,
                                 optional_int, required)

TRAINING_TYPE_LABELS = {
    "entrepreneurship": _l("Entrepreneurship"), "skills": _l("Skills"),
    "financial_literacy": _l("Financial literacy"), "packaging": _l("Packaging"),
    "digital_marketing": _l("Digital marketing"), "other": _l("Other"),
}
ASSISTANCE_KIND_LABELS = {IN_KIND: _l("In kind"), CASH: _l("Cash")}


class TrainingForm(TextForm):
    training_type = ChoiceField(_l("Kind of training"), choices=choices(
        [("", _l("Choose…"))] + list(TRAINING_TYPE_LABELS.items())),
        validators=[required(_l("Choose the kind of training."))])
    title = StringField(_l("Title"), validators=[required(), at_most(200)])
    held_on = LocalDateField(_l("Held on"), validators=[required()], default=coop_today)
    provider = StringField(_l("Given by (provider)"), validators=[required(), at_most(200)])


class ParticipantForm(TextForm):
    member_number = StringField(_l("Member number"), validators=[Optional(), at_most(30)])
    member = ChoiceField(_l("Or choose the member"), coerce=optional_int, validators=[Optional()])
    certified = BooleanField(_l("Received a certificate"))
    certificate_number = StringField(_l("Certificate number"), validators=[Optional(), at_most(60)])


class CertificateForm(TextForm):
    certified = BooleanField(_l("Received a certificate"))
    certificate_number = StringField(_l("Certificate number"), validators=[Optional(), at_most(60)])


class RemoveForm(FlaskForm):
    """A button that removes a participant (the CSRF token is all it carries)."""


class AssistanceForm(TextForm):
    given_on = LocalDateField(_l("Given on"), validators=[required()], default=coop_today)
    kind = ChoiceField(_l("Kind of assistance"), choices=choices(
        [("", _l("Choose…"))] + list(ASSISTANCE_KIND_LABELS.items())),
        validators=[required(_l("Choose in kind or cash."))])
    description = StringField(_l("What was given"), validators=[required(), at_most(300)])
    provider = StringField(_l("Given by (provider)"), validators=[required(), at_most(200)])
    value = MoneyField(_l("Value (Rp)"), validators=[required(_l("Enter the amount."))])
