"""Forms of the admin pages. They only parse and bound the input; the rules live in the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from coop_app.admin.region_fields import RegionPicker, kabupaten_choices, province_choices
from coop_app.auth.models import ADMIN, AUDITOR, MANAGER, MEMBER, PENDAMPING, TREASURER
from coop_app.auth.service import PASSWORD_RULE
from coop_app.cooperatives.clock import WIB, WIT, WITA
from coop_app.cooperatives.models import KSP, KSPPS
from coop_app.web.fields import WholeNumberField, choices, optional_int

COOPERATIVE_TYPE_CHOICES = choices([(KSP, "KSP"), (KSPPS, "KSPPS/BMT")])
TIME_ZONE_CHOICES = choices([("", _l("From the province")), (WIB, "WIB (UTC+7)"), (WITA, "WITA (UTC+8)"),
                             (WIT, "WIT (UTC+9)")])
ROLE_LABELS = {
    TREASURER: _l("Treasurer"),
    MANAGER: _l("Manager"),
    MEMBER: _l("Member"),
    AUDITOR: _l("Auditor"),
    ADMIN: _l("Administrator"),
    PENDAMPING: _l("Pendamping desa"),
}


class CooperativeForm(RegionPicker, FlaskForm):
    """What may change once a cooperative exists: its name and where it is (its desa from
    the official list: RegionPicker; the view calls fill_region_choices())."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    founded_on = DateField(_l("Founding date"), validators=[InputRequired()])
    fiscal_year_start_month = IntegerField(
        _l("Fiscal year starts in month"), default=1,
        validators=[InputRequired(), NumberRange(min=1, max=12, message=_l("A month from 1 to 12."))],
        description=_l("1 = January, 12 = December."))
    time_zone = SelectField(_l("Time zone"), choices=TIME_ZONE_CHOICES, validators=[Optional()],
                            description=_l("What the cooperative calls today, and the times on its pages."))
    programme_cohort = WholeNumberField(
        _l("Desmigratif cohort (year)"), validators=[Optional()],
        message=_l("Write the year, like 2017."),
        description=_l("The year the village entered the Desmigratif programme; empty if it has not."))

    def service_fields(self):
        """The keyword arguments of create_cooperative/update_cooperative."""
        return {name: getattr(self, name).data for name in (
            "name", "village_code", "founded_on", "fiscal_year_start_month", "time_zone",
            "programme_cohort")}


class NewCooperativeForm(CooperativeForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("2 to 20 capital letters, digits or dashes, e.g. KSP-JNT. "
                                      "It cannot be changed later."))
    type = SelectField(_l("Type"), choices=COOPERATIVE_TYPE_CHOICES,
                       description=_l("It decides the chart of accounts and cannot be changed later."))


class NewUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             description=PASSWORD_RULE)
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The passwords do not match."))])


class EditUserForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    active = BooleanField(_l("Active (may log in)"))
    new_password = PasswordField(_l("New password"), validators=[Optional(), Length(max=200)],
                                 description=_l("Leave empty to keep the current password. A new one has "
                                                "at least 10 characters, is not a common password, is not "
                                                "easy to guess and does not contain the username."))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[EqualTo("new_password", message=_l("The passwords do not match."))])


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    cooperative_id = SelectField(_l("Cooperative"), coerce=optional_int,
                                 description=_l("For a treasurer, manager, member or pendamping desa."))
    # Codes of the official list; the service checks them (and says which is not in it).
    scope_province = SelectField(_l("Province"), validate_choice=False, description=_l("For an auditor."))
    scope_kabupaten = SelectField(_l("Kabupaten/kota"), validate_choice=False,
                                  description=_l("For an auditor: one kabupaten/kota of the province."))

    def __init__(self, cooperatives, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative_id.choices = choices(
            [("", "—")] + [(c.id, f"{c.code} · {c.name}") for c in cooperatives])
        self.scope_province.choices = province_choices()
        self.scope_kabupaten.choices = kabupaten_choices()


class RevokeForm(FlaskForm):
    """The button that revokes a role: nothing but the CSRF token."""
