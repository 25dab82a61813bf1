"""Forms of the enterprise pages: recording, editing or closing a member's enterprise, its
reports, and the list's filter."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import Optional

from coop_app.cooperatives.clock import coop_today
from coop_app.enterprises.models import REPORT_MONTH, REPORT_QUARTER, WORKER_COLUMNS
from coop_app.web.fields import (ChoiceField, LocalDateField, MoneyField, TextForm, WholeNumberField,
                                 at_most, choices, optional_int, required)

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


class CloseEnterpriseForm(TextForm):
    closed_on = LocalDateField(_l("Stopped trading on"), validators=[required()], default=coop_today)


PERIOD_KIND_LABELS = {REPORT_MONTH: _l("A month"), REPORT_QUARTER: _l("A quarter")}
MONTH_LABELS = {1: _l("January"), 2: _l("February"), 3: _l("March"), 4: _l("April"), 5: _l("May"),
                6: _l("June"), 7: _l("July"), 8: _l("August"), 9: _l("September"),
                10: _l("October"), 11: _l("November"), 12: _l("December")}
QUARTER_LABELS = {1: _l("Quarter 1 (January to March)"), 2: _l("Quarter 2 (April to June)"),
                  3: _l("Quarter 3 (July to September)"), 4: _l("Quarter 4 (October to December)")}
WORKER_LABELS = {
    "owner_m": _l("Owners, men"), "owner_f": _l("Owners, women"),
    "family_m": _l("Unpaid family, men"), "family_f": _l("Unpaid family, women"),
    "hired_m": _l("Hired workers, men"), "hired_f": _l("Hired workers, women"),
}


def _people(name):
    return WholeNumberField(WORKER_LABELS[name], default=0,
                            validators=[required(_l("Write a whole number, like 3."))],
                            render_kw={"inputmode": "numeric"})


class ReportForm(TextForm):
    """An enterprise's report of one month or quarter. The month or the quarter is read
    according to the kind chosen; the service says when the one needed is missing."""
    period_kind = ChoiceField(_l("Period reported"), choices=choices(PERIOD_KIND_LABELS.items()),
                              default=REPORT_MONTH, validators=[required(_l("Choose a month or a quarter."))])
    year = WholeNumberField(_l("Year"), validators=[required(_l("Write the year, like 2026."))],
                            render_kw={"inputmode": "numeric"})
    month = ChoiceField(_l("Month"), coerce=optional_int, validators=[Optional()],
                        choices=choices([("", _l("(for a monthly report)"))] + list(MONTH_LABELS.items())))
    quarter = ChoiceField(_l("Quarter"), coerce=optional_int, validators=[Optional()],
                          choices=choices([("", _l("(for a quarterly report)"))] + list(QUARTER_LABELS.items())))
    turnover = MoneyField(_l("Turnover (omzet) (Rp)"), allow_zero=True,
                          validators=[required(_l("Write the turnover; 0 if there was none."))])
    costs = MoneyField(_l("Costs (Rp)"), allow_zero=True,
                       validators=[required(_l("Write the costs; 0 if there were none."))])
    owner_m = _people("owner_m")
    owner_f = _people("owner_f")
    family_m = _people("family_m")
    family_f = _people("family_f")
    hired_m = _people("hired_m")
    hired_f = _people("hired_f")
    sells_local = BooleanField(_l("Sells in the village and nearby markets"), default=True)
    sells_online = BooleanField(_l("Sells online"))
    sells_export = BooleanField(_l("Exports"))
    has_nib = BooleanField(_l("Holds a business number (NIB)"))
    has_pirt = BooleanField(_l("Holds a home food permit (P-IRT)"))
    has_halal = BooleanField(_l("Holds a halal certificate"))

    def workers(self):
        return {column: self[column].data for column in WORKER_COLUMNS.values()}


class EnterpriseFilterForm(TextForm):
    class Meta:
        csrf = False  # a filter changes nothing

    sector = ChoiceField(_l("Sector"), validators=[Optional()], choices=choices(
        [("", _l("All sectors"))] + list(SECTOR_LABELS.items())))
    status = ChoiceField(_l("Status"), validators=[Optional()], choices=choices(
        [("", _l("Open and closed")), ("active", _l("Open")), ("inactive", _l("Closed"))]))
    ovop = ChoiceField(_l("OVOP"), validators=[Optional()], choices=choices(
        [("", _l("OVOP or not")), ("yes", _l("OVOP only")), ("no", _l("Not OVOP"))]))
