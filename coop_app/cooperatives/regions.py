"""The official region list: Indonesia's provinces, kabupaten/kota, kecamatan and desa with
their Kemendagri codes, and the matching of free-text names to those codes.

The list is vendored from the npm package idn-area-data (data/README.md says which
version, data/LICENSE.md its licence; `make regions` writes it again). It is read from the
package's file on first use and kept for the life of the process; nothing is stored in
the database but the codes a cooperative or an auditor's grant names.

A code's form is its level: `32` a province, `32.12` a kabupaten/kota, `32.12.11` a
kecamatan, `32.12.11.2005` a desa/kelurahan.
"""
import csv
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.csv.gz"

PROVINCE, KABUPATEN, KECAMATAN, VILLAGE = "province", "kabupaten", "kecamatan", "village"
LEVELS = (PROVINCE, KABUPATEN, KECAMATAN, VILLAGE)
_LEVEL_OF_LENGTH = {2: PROVINCE, 5: KABUPATEN, 8: KECAMATAN, 13: VILLAGE}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def level(self):
        return _LEVEL_OF_LENGTH[len(self.code)]


@dataclass(frozen=True)
class Place:
    """Where a cooperative is: the codes found (None where a level is not known) and the
    names to show (official where the code is known, as written where not)."""
    province_code: str | None
    kabupaten_code: str | None
    kecamatan_code: str | None
    village_code: str | None
    province: str
    kabupaten: str
    kecamatan: str
    village: str

    @property
    def complete(self):
        return self.village_code is not None

    def columns(self):
        """The Cooperative columns this place fills."""
        return {name: getattr(self, name) for name in (
            "province_code", "kabupaten_code", "kecamatan_code", "village_code",
            "province", "kabupaten", "kecamatan", "village")}


class _Table:
    def __init__(self, path):
        self.names = {}
        self.children = {None: []}
        with gzip.open(path, "rt", encoding="utf-8", newline="") as source:
            rows = csv.reader(source)
            next(rows)  # code,name
            for code, name in rows:  # sorted by code: a parent comes before its children
                self.names[code] = name
                self.children.setdefault(parent_code(code), []).append(code)


@lru_cache(maxsize=1)
def _table():
    return _Table(DATA_FILE)


def parent_code(code):
    """The code one level up (None for a province)."""
    return code.rsplit(".", 1)[0] if "." in code else None


def level_of(code):
    """PROVINCE, KABUPATEN, KECAMATAN or VILLAGE by the code's form; None if it is none."""
    if not isinstance(code, str) or not _CODE.match(code):
        return None
    return _LEVEL_OF_LENGTH[len(code)]


def get(code):
    """The region of `code`, or None if the list has no such code."""
    if level_of(code) is None:
        return None
    name = _table().names.get(code)
    return Region(code, name) if name is not None else None


def name_of(code):
    region = get(code)
    return region.name if region else None


def is_a(code, level):
    """Whether `code` is a region of `level` in the list."""
    return level_of(code) == level and get(code) is not None


def children(code=None):
    """The regions directly under `code` (the provinces for None), in code order."""
    if code is not None and get(code) is None:
        return []
    table = _table()
    return [Region(child, table.names[child]) for child in table.children.get(code, ())]


def provinces():
    return children(None)


def within(code, area):
    """Whether region `code` lies in region `area` (or is it)."""
    return bool(code) and bool(area) and (code == area or code.startswith(area + "."))


def lineage(code):
    """The regions from the province down to `code`, or [] if the code is unknown."""
    if get(code) is None:
        return []
    chain = []
    while code is not None:
        chain.append(get(code))
        code = parent_code(code)
    return chain[::-1]


def place_of(village_code):
    """The Place of a desa's code, or None if the code is not a desa of the list."""
    if not is_a(village_code, VILLAGE):
        return None
    province, kabupaten, kecamatan, village = lineage(village_code)
    return Place(province.code, kabupaten.code, kecamatan.code, village.code,
                 province.name, kabupaten.name, kecamatan.name, village.name)


def label(code):
    """A region as a person reads it: "Kabupaten Indramayu, Jawa Barat"; the code itself
    when the list does not know it (a region kept as written before the list)."""
    chain = lineage(code) if code else []
    if not chain:
        return code or ""
    return ", ".join(region.name for region in reversed(chain))


# -- free text to codes ------------------------------------------------------------------------

# How people write provinces: the usual short forms and older names.
PROVINCE_ALIASES = {
    "nad": "11", "nanggroe aceh darussalam": "11", "di aceh": "11",
    "sumut": "12", "sumbar": "13", "jambi": "15", "sumsel": "16", "babel": "19",
    "bangka belitung": "19", "kep bangka belitung": "19", "kepri": "21", "kep riau": "21",
    "dki": "31", "dki jakarta": "31", "jakarta": "31", "dk jakarta": "31",
    "daerah khusus jakarta": "31",
    "jabar": "32", "jateng": "33", "diy": "34", "di yogyakarta": "34", "yogyakarta": "34",
    "jogja": "34", "jogjakarta": "34", "yogya": "34", "jatim": "35",
    "ntb": "52", "ntt": "53",
    "kalbar": "61", "kalteng": "62", "kalsel": "63", "kaltim": "64", "kaltara": "65",
    "sulut": "71", "sulteng": "72", "sulsel": "73", "sultra": "74", "sulbar": "76",
    "malut": "82", "papua bar": "92", "pabar": "92", "papua barat daya": "96",
}
_PROVINCE_PREFIXES = ("provinsi ", "propinsi ", "prov ", "prop ")
_KABUPATEN_PREFIXES = (("kabupaten ", "Kabupaten"), ("kab ", "Kabupaten"), ("kotamadya ", "Kota"),
                       ("kodya ", "Kota"), ("kota ", "Kota"))
_KECAMATAN_PREFIXES = ("kecamatan ", "kec ")
_VILLAGE_PREFIXES = ("desa ", "kelurahan ", "kel ", "ds ")


def normalise(text):
    """Lower case, punctuation as spaces, one space between words."""
    text = re.sub(r"[^\w]+", " ", (text or "").lower().replace("'", "").replace("`", ""))
    return " ".join(text.split())


def _strip(text, prefixes):
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


@lru_cache(maxsize=1)
def _index():
    """Normalised name -> codes, per parent (and for kabupaten, nationwide)."""
    table = _table()
    by_parent, kabupaten_anywhere = {}, {}
    for code, name in table.names.items():
        key = normalise(name)
        if len(code) == 5:  # by the bare name, for either kind ("Kota Administrasi ...")
            key = _strip(_strip(key, ("kabupaten ", "kota ")), ("administrasi ",))
            kabupaten_anywhere.setdefault(key, []).append(code)
        by_parent.setdefault((parent_code(code), key), []).append(code)
    return by_parent, kabupaten_anywhere


def match_province(text):
    """The code of a province as people write it ("Jateng", "Prov. Jawa Tengah", "33"),
    or None."""
    if is_a((text or "").strip(), PROVINCE):
        return text.strip()
    key = _strip(normalise(text), _PROVINCE_PREFIXES)
    if key in PROVINCE_ALIASES:
        return PROVINCE_ALIASES[key]
    found = _index()[0].get((None, key), [])
    return found[0] if len(found) == 1 else None


def _kabupaten_candidates(text, province_code):
    """Codes of the kabupaten/kota `text` may mean, within a province or anywhere."""
    key = normalise(text)
    kind = None
    for prefix, word in _KABUPATEN_PREFIXES:
        if key.startswith(prefix):
            key, kind = key[len(prefix):], word
            break
    key = _strip(key, ("administrasi ", "adm "))
    by_parent, anywhere = _index()
    if province_code is not None:
        found = by_parent.get((province_code, key), [])
    else:
        found = anywhere.get(key, [])
    if kind is not None:
        found = [code for code in found if _table().names[code].startswith(kind + " ")]
    return found


def match_kabupaten(text, province_code=None, kecamatan=None):
    """The code of a kabupaten/kota ("Kab. Indramayu", "Kota Cirebon", "Indramayu") in
    `province_code` (or anywhere when None), or None. A bare name that is both a kabupaten
    and a kota ("Cirebon") is decided by the kecamatan when one of them has it."""
    if is_a((text or "").strip(), KABUPATEN):
        code = text.strip()
        return code if province_code is None or within(code, province_code) else None
    found = _kabupaten_candidates(text, province_code)
    if len(found) > 1 and kecamatan:
        found = [code for code in found if match_kecamatan(kecamatan, code)]
    return found[0] if len(found) == 1 else None


def match_kecamatan(text, kabupaten_code):
    key = _strip(normalise(text), _KECAMATAN_PREFIXES)
    found = _index()[0].get((kabupaten_code, key), [])
    return found[0] if len(found) == 1 else None


def match_village(text, kecamatan_code):
    key = _strip(normalise(text), _VILLAGE_PREFIXES)
    found = _index()[0].get((kecamatan_code, key), [])
    return found[0] if len(found) == 1 else None


def match(province, kabupaten, kecamatan, village):
    """A Place for free-text names: each level found in the one above it; a level not found
    leaves itself and those below without a code, keeping the names as written. A province
    not recognised is taken from a kabupaten/kota whose name is unique in the country."""
    province_code = match_province(province)
    kabupaten_code = match_kabupaten(kabupaten, province_code, kecamatan)
    if province_code is None and kabupaten_code is not None:
        province_code = parent_code(kabupaten_code)
    kecamatan_code = match_kecamatan(kecamatan, kabupaten_code) if kabupaten_code else None
    village_code = match_village(village, kecamatan_code) if kecamatan_code else None
    written = (province, kabupaten, kecamatan, village)
    codes = (province_code, kabupaten_code, kecamatan_code, village_code)
    names = [name_of(code) if code else (text or "").strip() for code, text in zip(codes, written)]
    return Place(*codes, *names)
