"""One row of a member import: the words a register may use for gender, category, sector and
relationship, its dates, and its values checked into MemberData and MigrantData."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from coop_app.members.migrants import MigrantData
from coop_app.members.models import CTKI, FAMILY, OTHER, RETURNEE
from coop_app.members.service import MemberData
from coop_app.web.workbooks import cell_date, cell_text

MIGRANT_COLUMNS = ("migrant_name", "migrant_country", "migrant_sector", "relationship",
                   "return_date")

GENDER_WORDS = {"l": "M", "m": "M", "laki-laki": "M", "pria": "M", "male": "M",
                "p": "F", "f": "F", "perempuan": "F", "wanita": "F", "female": "F"}
CATEGORY_WORDS = {
    CTKI: CTKI, "calon pmi": CTKI, "calon tki": CTKI, "cpmi": CTKI,
    FAMILY: FAMILY, "keluarga": FAMILY, "keluarga pmi": FAMILY, "keluarga tki": FAMILY,
    RETURNEE: RETURNEE, "purna": RETURNEE, "purna pmi": RETURNEE, "purna tki": RETURNEE,
    OTHER: OTHER, "lainnya": OTHER, "lain-lain": OTHER,
}
SECTOR_WORDS = {
    "domestic": "domestic", "rumah tangga": "domestic", "prt": "domestic",
    "caregiving": "caregiving", "perawat": "caregiving", "pengasuh": "caregiving",
    "manufacturing": "manufacturing", "manufaktur": "manufacturing", "pabrik": "manufacturing",
    "plantation": "plantation", "perkebunan": "plantation", "pertanian": "plantation",
    "construction": "construction", "konstruksi": "construction", "bangunan": "construction",
    "fishing": "fishing", "perikanan": "fishing", "nelayan": "fishing", "abk": "fishing",
    "hospitality": "hospitality", "perhotelan": "hospitality", "restoran": "hospitality",
    "other": "other", "lainnya": "other",
}
RELATIONSHIP_WORDS = {"spouse": "spouse", "suami": "spouse", "istri": "spouse", "pasangan": "spouse",
                      "child": "child", "anak": "child",
                      "parent": "parent", "orang tua": "parent", "ayah": "parent", "ibu": "parent"}


@dataclass
class RowError:
    row: int          # the row number as the spreadsheet shows it (the header is row 1)
    column: str       # an import column, or "" for the row as a whole
    message: object   # a lazy translatable message


_text = cell_text


def _date(value):
    """A date cell, or text as YYYY-MM-DD or DD/MM/YYYY; None when empty."""
    try:
        return cell_date(value)
    except ValueError:
        raise _BadValue(_l("That is not a date. Write it as YYYY-MM-DD or DD/MM/YYYY.")) from None


class _BadValue(Exception):
    pass


def _word(value, words, message):
    text = " ".join(_text(value).lower().split())
    if text not in words:
        raise _BadValue(message)
    return words[text]


def _parse_row(row):
    """Fill row.data / row.migrant from the typed values; return the RowErrors found."""
    values, errors = row.values, []

    def take(column, parse):
        try:
            return parse(values.get(column))
        except _BadValue as bad:
            errors.append(RowError(row.number, column, bad.args[0]))
            return None

    def nik(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise _BadValue(_l("Store the NIK as text: a spreadsheet keeps only 15 digits of a number."))
        return _text(value)

    def required_date(value):
        day = _date(value)
        if day is None:
            raise _BadValue(_l("This field is required."))
        return day

    gender = take("gender", lambda v: _word(v, GENDER_WORDS, _l("Write the gender as L or P (or M or F).")))
    category = take("category", lambda v: _word(v, CATEGORY_WORDS, _l(
        "Write the category as ctki, family, returnee or other (or calon pmi, keluarga, purna, lainnya).")))
    data = MemberData(nik=take("nik", nik), name=_text(values.get("name")), gender=gender,
                      birth_date=take("birth_date", required_date),
                      address=_text(values.get("address")), phone=_text(values.get("phone")) or None,
                      join_date=take("join_date", required_date), category=category)
    has_migrant = any(_text(values.get(column)) for column in MIGRANT_COLUMNS)
    if category in (FAMILY, RETURNEE):
        if category == FAMILY:
            data.relationship = take("relationship", lambda v: _word(
                v, RELATIONSHIP_WORDS, _l("Write the relationship as spouse, child or parent "
                                          "(or suami, istri, anak, orang tua).")))
        sector = take("migrant_sector", lambda v: _word(v, SECTOR_WORDS, _l(
            "Write the sector of work abroad, e.g. domestic, caregiving, manufacturing, "
            "plantation, construction, fishing, hospitality or other.")))
        returned = take("return_date", _date)
        if category == RETURNEE and returned is None and not any(e.column == "return_date" for e in errors):
            errors.append(RowError(row.number, "return_date",
                                   _l("A returnee's row gives the date they came home.")))
        name = _text(values.get("migrant_name")) or (data.name if category == RETURNEE else "")
        row.migrant = MigrantData(name=name, destination_country=_text(values.get("migrant_country")),
                                  sector=sector, actual_return_date=returned,
                                  gender=gender if category == RETURNEE else None)
    elif has_migrant and category is not None:
        errors.append(RowError(row.number, "migrant_name", _l(
            "Only family members and returnees have migrant-worker columns; leave them empty.")))
    row.data = data
    return errors
