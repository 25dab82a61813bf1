"""Forms of the member pages: registering and editing members, migrant workers, a member's
login, leaving, the member-number pattern, the import, and the register's search.

Select choices of accounts and migrant workers are filled in by the view from the
cooperative's own rows, so a tampered or foreign id is a field error.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import EqualTo, Length, Optional, Regexp

from coop_app.cooperatives.clock import coop_today
from coop_app.auth.service import PASSWORD_RULE
from coop_app.web.fields import (ChoiceField, LocalDateField, SubmissionKeyField, TextForm, at_most,
                                 choices, optional_int, required)
from coop_app.members.models import (CANCELLED, CTKI, DECEASED, FAMILY, MEMBER_STATUSES, OTHER,
                                     RESIGNED, RETURNEE)

CATEGORY_LABELS = {
    CTKI: _l("Prospective migrant worker (calon PMI)"),
    FAMILY: _l("Family of a migrant worker"),
    RETURNEE: _l("Returnee (purna PMI)"),
    OTHER: _l("Other villager"),
}
STATUS_LABELS = {"active": _l("active"), RESIGNED: _l("resigned"), DECEASED: _l("deceased"),
                 CANCELLED: _l("registration cancelled")}
GENDER_LABELS = {"M": _l("Male"), "F": _l("Female")}
RELATIONSHIP_LABELS = {"spouse": _l("Spouse"), "child": _l("Child"), "parent": _l("Parent")}
SECTOR_LABELS = {
    "domestic": _l("Domestic work"), "caregiving": _l("Caregiving"),
    "manufacturing": _l("Manufacturing"), "plantation": _l("Plantation and farming"),
    "construction": _l("Construction"), "fishing": _l("Fishing"),
    "hospitality": _l("Hotels and restaurants"), "other": _l("Other"),
}
NEW_MIGRANT = "new"


def migrant_value(value):
    """The migrant select: '' (none), 'new' (create one on this form), or a record's id."""
    if value in (None, ""):
        return None
    if value == NEW_MIGRANT:
        return NEW_MIGRANT
    return int(value)


class MemberForm(TextForm):
    nik = StringField(_l("NIK"), validators=[required(), at_most(20)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    name = StringField(_l("Full name"), validators=[required(), at_most(200)])
    gender = ChoiceField(_l("Gender"), choices=choices(GENDER_LABELS.items()),
                         validators=[required(_l("Choose the gender."))])
    birth_date = LocalDateField(_l("Birth date"), validators=[required()])
    address = StringField(_l("Address"), validators=[required(), at_most(300)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), at_most(30)],
                        render_kw={"inputmode": "tel"})
    category = ChoiceField(_l("Desmigratif category"),
                           choices=choices(CATEGORY_LABELS.items()),
                           validators=[required(_l("Choose the Desmigratif category."))])
    migrant = ChoiceField(_l("Migrant worker"), coerce=migrant_value, validators=[Optional()],
                          description=_l("Family members: the migrant abroad they belong to. "
                                         "Returnees: their own record."))
    relationship = ChoiceField(_l("Relationship to the migrant worker"), validators=[Optional()],
                               choices=choices([("", "—")] + list(RELATIONSHIP_LABELS.items())))

    def set_migrant_choices(self, rows, allow_new=False):
        options = [("", _l("— none —"))]
        if allow_new:
            options.append((NEW_MIGRANT, _l("A new record, filled in below")))
        options += [(row.id, f"{row.name} · {row.destination_country}") for row in rows]
        self.migrant.choices = choices(options)


class RegisterForm(MemberForm):
    join_date = LocalDateField(_l("Joining date"), validators=[required()], default=coop_today)
    money_account = ChoiceField(_l("Simpanan pokok and wajib received into"), coerce=optional_int,
                                validators=[required(_l("Choose an account."))])
    # The migrant worker created with the member (family or returnee), when "new" is chosen.
    migrant_name = StringField(_l("Migrant worker's name"), validators=[at_most(200)],
                               description=_l("A returnee's own record may leave this empty."))
    migrant_country = StringField(_l("Destination country"), validators=[at_most(100)])
    migrant_sector = ChoiceField(_l("Sector of work abroad"), validators=[Optional()],
                                 choices=choices([("", "—")] + list(SECTOR_LABELS.items())))
    migrant_departure = LocalDateField(_l("Departure date"), validators=[Optional()])
    migrant_expected_return = LocalDateField(_l("Expected return"), validators=[Optional()])
    migrant_actual_return = LocalDateField(_l("Actual return date"), validators=[Optional()])
    migrant_procedural = BooleanField(_l("Left through the procedural (official) channel"),
                                      default=True)
    key = SubmissionKeyField()


class EditMemberForm(MemberForm):
    join_date = LocalDateField(_l("Joining date"), validators=[required()])


class MigrantForm(TextForm):
    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    gender = ChoiceField(_l("Gender"), validators=[Optional()],
                         choices=choices([("", "—")] + list(GENDER_LABELS.items())))
    destination_country = StringField(_l("Destination country"), validators=[required(), at_most(100)])
    sector = ChoiceField(_l("Sector of work abroad"), choices=choices(SECTOR_LABELS.items()),
                         validators=[required(_l("Choose the sector of work abroad."))])
    departure_date = LocalDateField(_l("Departure date"), validators=[Optional()])
    expected_return_date = LocalDateField(_l("Expected return"), validators=[Optional()])
    actual_return_date = LocalDateField(_l("Actual return date"), validators=[Optional()])
    procedural = BooleanField(_l("Left through the procedural (official) channel"), default=True)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), at_most(500)])


class LoginForm(TextForm):
    username = StringField(_l("Username"), validators=[required(), at_most(64)],
                           render_kw={"autocomplete": "off"})
    password = PasswordField(_l("Password"), validators=[required(), Length(max=200)],
                             description=PASSWORD_RULE, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Password again"), validators=[
        required(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class ResignForm(TextForm):
    outcome = ChoiceField(_l("Reason for leaving"), choices=choices(
        [(RESIGNED, _l("The member resigns")), (DECEASED, _l("The member has died"))]),
        validators=[required()])
    heir_name = StringField(_l("Heir receiving the savings (if the member has died)"),
                            validators=[at_most(200)])
    left_on = LocalDateField(_l("Leaving date"), validators=[required()], default=coop_today)
    money_account = ChoiceField(_l("Paid out from"), coerce=optional_int,
                                validators=[required(_l("Choose an account."))])
    key = SubmissionKeyField()


class NumberPatternForm(TextForm):
    pattern = StringField(_l("Member number pattern"), validators=[required(), at_most(40)],
                          description=_l("Use {code} (the cooperative's code), {year} (the year "
                                         "of joining) and {seq} (a running number, e.g. {seq:04d} "
                                         "for four digits). Example: {code}/{year}/{seq:04d}"))


class ImportUploadForm(TextForm):
    file = FileField(_l("CSV or Excel (.xlsx) file, at most 2 MB"))


class ImportConfirmForm(TextForm):
    file_hash = HiddenField(validators=[Regexp(r"^[0-9a-f]{64}$")])
    kind = HiddenField(validators=[Regexp(r"^(csv|xlsx)$")])


class MemberSearchForm(TextForm):
    class Meta:
        csrf = False  # a search changes nothing

    q = StringField(_l("Name, NIK or member number"), validators=[Optional(), at_most(100)])
    status = ChoiceField(_l("Status"), validators=[Optional()], choices=choices(
        [("", _l("All statuses"))] + [(s, STATUS_LABELS[s]) for s in MEMBER_STATUSES]))
    category = ChoiceField(_l("Category"), validators=[Optional()], choices=choices(
        [("", _l("All categories"))] + list(CATEGORY_LABELS.items())))


class MigrantSearchForm(TextForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), at_most(100)])
    where = ChoiceField(_l("Where"), validators=[Optional()], choices=choices(
        [("", _l("Abroad or returned")), ("abroad", _l("Abroad")), ("returned", _l("Returned"))]))

