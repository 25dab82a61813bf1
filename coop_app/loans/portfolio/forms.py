"""The portfolio pages' query string: the date, the period and the filters of a loan list.

Auditors share and bookmark these URLs, so a value that does not parse is refused with a
message (a 400 page), never guessed at and never passed on to the database.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from coop_app.cooperatives.clock import coop_today
from coop_app.members.models import CATEGORIES, GENDERS
from coop_app.loans.models import QUALITY_CLASSES
from coop_app.loans.portfolio.figures import BUCKET_KEYS, MAX_DAYS
from coop_app.loans.portfolio.loans import STATUS_FILTERS, LoanFilter

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
MAX_LENGTH = 40
FLAGS = ("disbursed", "written_off", "recovered")
# quality "npl": the non-performing classes together (kurang lancar, diragukan, macet)
CHOICES = {"quality": QUALITY_CLASSES + ("npl",), "bucket": BUCKET_KEYS, "category": CATEGORIES,
           "gender": GENDERS, "status": STATUS_FILTERS}
# Every parameter a portfolio URL may carry (others are ignored, as on any page).
PARAMETERS = ("as_of", "date_from", "date_to", "coop", "product", "par", *CHOICES, *FLAGS)


class BadFilter(ValueError):
    """A query-string value the portfolio pages cannot use; str() is the message to show."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message

    def __str__(self):
        return f"{self.name}: {self.message}"


@dataclass
class Period:
    as_of: date
    date_from: date
    date_to: date

    def args(self):
        return {"as_of": self.as_of.isoformat(), "date_from": self.date_from.isoformat(),
                "date_to": self.date_to.isoformat()}


def _text(args, name):
    """The raw value of one parameter, or None; control characters (a NUL first of all)
    and overlong values are refused."""
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadFilter(name, _l("Give this filter once."))
    value = values[0].strip()
    if len(value) > MAX_LENGTH:
        raise BadFilter(name, _l("The value is too long."))
    if any(ch < " " or ch == "\x7f" for ch in value):
        raise BadFilter(name, _l("The value contains characters that are not allowed."))
    return value or None


def _date(args, name):
    value = _text(args, name)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadFilter(name, _l("That is not a date. Use the form YYYY-MM-DD.")) from None
    if not EARLIEST <= day <= LATEST or len(value) != 10:
        raise BadFilter(name, _l("That is not a date. Use the form YYYY-MM-DD."))
    return day


def parse_period(args, today=None):
    """The date of the figures (default today) and the period of the flows (default the
    year of that date, up to it)."""
    as_of = _date(args, "as_of") or today or coop_today()
    date_to = _date(args, "date_to") or as_of
    date_from = _date(args, "date_from") or date(date_to.year, 1, 1)
    if date_from > date_to:
        raise BadFilter("date_from", _l("The start of the period is after its end."))
    return Period(as_of, date_from, date_to)


def parse_filter(args, cooperatives=None, today=None):
    """A LoanFilter from a loan list's query string. `cooperatives` ({code: id}) are those a
    programme list may narrow to; a code outside them is refused like an unknown one."""
    period = parse_period(args, today)
    values = {}
    for name, allowed in CHOICES.items():
        value = _text(args, name)
        if value is not None and value not in allowed:
            raise BadFilter(name, _l("Unknown value %(value)s.", value=value))
        values[name] = value
    par = _text(args, "par")
    if par is not None:
        if not par.isdigit() or int(par) > MAX_DAYS:
            raise BadFilter("par", _l("Days past due are a whole number from 0 to %(max)s.",
                                      max=MAX_DAYS))
        par = int(par)
    for name in FLAGS:
        value = _text(args, name)
        if value not in (None, "0", "1"):
            raise BadFilter(name, _l("Use 1 or 0."))
        values[name] = value == "1"
    coop_id = None
    code = _text(args, "coop")
    if code is not None:
        if cooperatives is None or code not in cooperatives:
            raise BadFilter("coop", _l("No cooperative %(code)s in your region.", code=code))
        coop_id = cooperatives[code]
    if values["status"] is None:
        # the flows of a period are about loans whatever they became since
        values["status"] = "any" if any(values[name] for name in FLAGS) else "active"
    return LoanFilter(as_of=period.as_of, date_from=period.date_from, date_to=period.date_to,
                      cooperative_id=coop_id, product=_text(args, "product"), par=par, **values)


def filter_args(f, coop_code=None):
    """The query string of a LoanFilter (for export links and the pager)."""
    args = {"as_of": f.as_of.isoformat(), "date_from": f.date_from.isoformat(),
            "date_to": f.date_to.isoformat(), "status": f.status}
    for name in ("product", "quality", "bucket", "category", "gender", "par"):
        if getattr(f, name) is not None:
            args[name] = getattr(f, name)
    for name in FLAGS:
        if getattr(f, name):
            args[name] = 1
    if coop_code:
        args["coop"] = coop_code
    return args
