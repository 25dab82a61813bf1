"""Forms of the household pages: a household, linking a member, a survey, the survey import
and the list's search. They parse and bound what was typed; the rules are the services'."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.members.forms import GENDER_LABELS
from coop_app.members.households import FOLLOW_UP_DUE, NO_BASELINE
from coop_app.members.models import BASELINE, FOLLOW_UP
from coop_app.web.fields import (ChoiceField, LocalDateField, MoneyField, TextForm, WholeNumberField,
                                 at_most, choices, optional_int, required)

KIND_LABELS = {BASELINE: _l("Baseline (at joining)"), FOLLOW_UP: _l("Follow-up")}
INCOME_LABELS = {
    "income_remittance": _l("Remittances"),
    "income_enterprise": _l("Enterprise net income"),
    "income_wages": _l("Wages"),
    "income_farming": _l("Farming or fishing"),
    "income_other": _l("Other income"),
}


class HouseholdForm(TextForm):
    kk_number = StringField(_l("Family card number (KK)"), validators=[required(), at_most(20)],
                            render_kw={"inputmode": "numeric", "autocomplete": "off"},
                            description=_l("16 digits, as on the Kartu Keluarga."))
    head_name = StringField(_l("Head of the household"), validators=[required(), at_most(200)])
    head_gender = ChoiceField(_l("Head's gender"), choices=choices(GENDER_LABELS.items()),
                              validators=[required(_l("Choose the head of the household's gender."))])
    size = WholeNumberField(_l("People in the household"), validators=[required()],
                            description=_l("Everyone on the family card, 1 to 30."))
    address = StringField(_l("Address (optional)"), validators=[Optional(), at_most(300)])


class LinkMemberForm(TextForm):
    member = StringField(_l("Member number"), validators=[required(), at_most(30)],
                         render_kw={"autocomplete": "off"})


class UnlinkForm(TextForm):
    """The button that unlinks a member: nothing but the CSRF token."""


def amount_field(label):
    # Empty is 0; a negative or huge amount is left to the service, which says why.
    return MoneyField(label, validators=[Optional()], positive=False, allow_zero=True)


class SurveyForm(TextForm):
    kind = ChoiceField(_l("Kind of survey"), choices=choices(KIND_LABELS.items()),
                       validators=[required(_l("Choose the kind of survey."))])
    surveyed_on = LocalDateField(_l("Survey date"), validators=[required()], default=coop_today)
    member = ChoiceField(_l("Respondent"), coerce=optional_int,
                         validators=[required(_l("Choose the member who answered the survey."))],
                         description=_l("A member linked to this household."))
    enumerator = StringField(_l("Enumerator"), validators=[required(), at_most(200)])
    income_remittance = amount_field(INCOME_LABELS["income_remittance"])
    income_enterprise = amount_field(INCOME_LABELS["income_enterprise"])
    income_wages = amount_field(INCOME_LABELS["income_wages"])
    income_farming = amount_field(INCOME_LABELS["income_farming"])
    income_other = amount_field(INCOME_LABELS["income_other"])
    spending = amount_field(_l("Spending"))

    def set_member_choices(self, members):
        self.member.choices = choices([("", "—")] + [(m.id, f"{m.member_number} · {m.name}")
                                                     for m in members])


class SurveyImportForm(TextForm):
    file = FileField(_l("Excel (.xlsx) file, at most 2 MB"))


class HouseholdSearchForm(TextForm):
    class Meta:
        csrf = False  # a search changes nothing

    q = StringField(_l("KK number or head's name"), validators=[Optional(), at_most(100)])
    survey = ChoiceField(_l("Surveys"), validators=[Optional()], choices=choices([
        ("", _l("All households")), (NO_BASELINE, _l("Without a baseline survey")),
        (FOLLOW_UP_DUE, _l("Last survey a year ago or more"))]))
