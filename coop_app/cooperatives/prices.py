"""The consumer price index of each province and year (BPS, 2022 = 100), kept by the
administrator: the programme's real incomes are nominal incomes deflated by it.

A value is exact (Decimal, two decimals, as BPS publishes it), typed with a comma or a dot
as the decimal separator ("112,34" or "112.34"); never a float.
"""
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coop_app.cooperatives import regions
from coop_app.cooperatives.clock import local_today
from coop_app.cooperatives.models import ConsumerPriceIndex
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db

FIRST_YEAR = 2000
LOWEST, HIGHEST = Decimal("10.00"), Decimal("1000.00")
BASE = Decimal(100)  # the base year's index
# Digits, then at most one separator and two decimals: "1.000" (a thousand, written the
# Indonesian way) has three and is refused rather than read as 1.
_VALUE = re.compile(r"^(\d{1,4})(?:[.,](\d{1,2}))?$")


def parse_value(text):
    """The index typed as text ("112,34", "112.34", "98") as a Decimal of two decimals, or an
    InvalidField("value") saying how to write it and its bounds."""
    if isinstance(text, Decimal):
        value = text
        if not value.is_finite() or value != value.quantize(Decimal("0.01")):
            raise InvalidField("value", _l("Write the index like 112,34: a number with at most "
                                           "two decimals."))
    else:
        match = _VALUE.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidField("value", _l("Write the index like 112,34: a number with at most "
                                           "two decimals."))
        value = Decimal(f"{match.group(1)}.{match.group(2) or '0'}")
    if not LOWEST <= value <= HIGHEST:
        raise InvalidField("value", _l("The index is from 10 to 1000 (2022 = 100)."))
    return value.quantize(Decimal("0.01"))


def _clean(province_code, year, value):
    if not regions.is_a(province_code, regions.PROVINCE):
        raise InvalidField("province_code", _l("Choose the province from the official list."))
    this_year = local_today().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise InvalidField("year", _l("The year is from %(first)d to %(last)d.",
                                      first=FIRST_YEAR, last=this_year))
    return {"province_code": province_code, "year": year, "value": parse_value(value)}


def _save(index, values):
    """Write the values; a province and year that already have an index (even one saved at
    the same moment) are refused with a message."""
    taken = select(ConsumerPriceIndex.id).where(
        ConsumerPriceIndex.province_code == values["province_code"],
        ConsumerPriceIndex.year == values["year"])
    if index.id is not None:
        taken = taken.where(ConsumerPriceIndex.id != index.id)
    if db.session.execute(taken).first() is not None:
        _refuse_taken(values)
    for key, value in values.items():
        setattr(index, key, value)
    try:
        with db.session.begin_nested():
            db.session.add(index)
            db.session.flush()
    except IntegrityError:
        _refuse_taken(values)
    return index


def _refuse_taken(values):
    raise InvalidField("year", _l("%(province)s already has an index for %(year)d: edit it instead.",
                                  province=regions.name_of(values["province_code"]), year=values["year"]))


def add_index(province_code, year, value):
    """The index of a province and year that has none yet; `value` is text as typed or a
    Decimal."""
    return _save(ConsumerPriceIndex(), _clean(province_code, year, value))


def update_index(index_id, province_code, year, value):
    """Correct an index (its province or year too, to one that has none)."""
    return _save(get_index(index_id), _clean(province_code, year, value))


def delete_index(index_id):
    """Remove an index entered by mistake: the years it deflated show no real figures until
    another is entered."""
    index = get_index(index_id)
    db.session.delete(index)
    db.session.flush()
    return index


def get_index(index_id):
    index = db.session.get(ConsumerPriceIndex, index_id)
    if index is None:
        raise NotFound(_l("Price index not found."))
    return index


def indexes_query(province_code=None):
    """The indexes by province and then year, newest first (of one province when given)."""
    query = select(ConsumerPriceIndex)
    if province_code:
        query = query.where(ConsumerPriceIndex.province_code == province_code)
    return query.order_by(ConsumerPriceIndex.province_code, ConsumerPriceIndex.year.desc())


def deflator(province_code, year):
    """The index of the province and year over the base year's 100 (112,34 -> 1.1234), by
    which a nominal amount of that year is divided to be in 2022 rupiah; None when the
    administrator has entered no index for them (no real figure can then be given)."""
    value = db.session.execute(select(ConsumerPriceIndex.value).where(
        ConsumerPriceIndex.province_code == province_code,
        ConsumerPriceIndex.year == year)).scalar_one_or_none()
    return None if value is None else Decimal(value) / BASE
