"""Forms of the enterprise pages: recording or editing a member's enterprise, and the list's filter."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.web.fields import (ChoiceField, LocalDateField, TextForm, WholeNumberField, at_most,
                                 choices, required)

SECTOR_LABELS = {
    "agriculture": _l("Agriculture"), "livestock": _l("Livestock"), "fishery": _l("Fishery"),
    "food_processing": _l("Food processing"), "handicraft": _l("Handicraft"), "trade": _l("Trade"),
    "services": _l("Services"), "other": _l("Other"),
}


class EnterpriseForm(TextForm):
    name = StringField(_l("Name of the enterprise"), validators=[required(), at_most(200)])
    sector = ChoiceField(_l("Sector"), choices=choices(SECTOR_LABELS.items()),
                         validators=[required(_l("Choose the sector."))])
    products = StringField(_l("Products or services"), validators=[required(), at_most(300)])
    start_date = LocalDateField(_l("Started on"), validators=[required()], default=coop_today)
    workers = WholeNumberField(_l("Workers employed (including the owner)"), default=1,
                               validators=[required(_l("Write a whole number, like 3."))],
                               render_kw={"inputmode": "numeric"})
    address = StringField(_l("Address (optional)"), validators=[Optional(), at_most(300)])
    is_ovop = BooleanField(_l("Makes the village's One Village One Product (OVOP)"))
    active = BooleanField(_l("Active"), default=True)


class EnterpriseFilterForm(TextForm):
    class Meta:
        csrf = False  # a filter changes nothing

    sector = ChoiceField(_l("Sector"), validators=[Optional()], choices=choices(
        [("", _l("All sectors"))] + list(SECTOR_LABELS.items())))
    status = ChoiceField(_l("Status"), validators=[Optional()], choices=choices(
        [("", _l("Active and inactive")), ("active", _l("Active")), ("inactive", _l("Inactive"))]))
    ovop = ChoiceField(_l("OVOP"), validators=[Optional()], choices=choices(
        [("", _l("OVOP or not")), ("yes", _l("OVOP only")), ("no", _l("Not OVOP"))]))
