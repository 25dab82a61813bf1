"""The region pickers of the admin's forms, from the official list (cooperatives/regions.py).

A cooperative's desa is picked province -> kabupaten/kota -> kecamatan -> desa. Each list
is filled on the server from the level chosen above it, so the form works without
JavaScript: the "Show the list" button sends the form by GET (`refresh`) and the page comes
back with the next list filled. With JavaScript (static/js/regions.js) the next list is
fetched as soon as a level is chosen (admin.region_children).

An auditor's grant picks a province and, within it, a kabupaten/kota: every kabupaten/kota
is in the one list, grouped by province, so that needs no second round.
"""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField

from coop_app.cooperatives import regions
from coop_app.cooperatives.regions import KABUPATEN, KECAMATAN, PROVINCE, VILLAGE

REGION_FIELDS = (("province_code", PROVINCE), ("kabupaten_code", KABUPATEN),
                 ("kecamatan_code", KECAMATAN), ("village_code", VILLAGE))
# What each list says before its level above is chosen.
WAITING = {
    "kabupaten_code": _l("Choose the province first"),
    "kecamatan_code": _l("Choose the kabupaten/kota first"),
    "village_code": _l("Choose the kecamatan first"),
}


def region_chain(values):
    """The codes of the four levels that hold together, from what was sent: each level is
    kept if it is of its level in the list and lies within the deepest level kept above it;
    the levels above the deepest one kept are then taken from it (a desa alone names its
    kecamatan, kabupaten and province). A level that contradicts the one above it (the
    province was changed and the kabupaten still names the old one) is dropped with
    everything below it."""
    deepest = None
    for (_name, level), value in zip(REGION_FIELDS, values, strict=True):
        value = (value or "").strip()
        if regions.is_a(value, level) and (deepest is None or regions.within(value, deepest)):
            deepest = value
        elif value and deepest is not None:
            break
    chain = [region.code for region in regions.lineage(deepest)] if deepest else []
    return chain + [None] * (len(REGION_FIELDS) - len(chain))


class RegionPicker:
    """Mixed into a FlaskForm: the four lists, filled by fill_region_choices()."""

    province_code = SelectField(_l("Province"), validate_choice=False)
    kabupaten_code = SelectField(_l("Kabupaten/kota"), validate_choice=False,
                                 render_kw={"data-waiting": WAITING["kabupaten_code"]})
    kecamatan_code = SelectField(_l("Kecamatan"), validate_choice=False,
                                 render_kw={"data-waiting": WAITING["kecamatan_code"]})
    village_code = SelectField(_l("Desa/kelurahan"), validate_choice=False,
                               render_kw={"data-waiting": WAITING["village_code"]},
                               description=_l("From the official list of Kemendagri codes."))

    def fill_region_choices(self):
        """Hold the chosen levels together and fill each list from the level above it."""
        chain = region_chain([getattr(self, name).data for name, _level in REGION_FIELDS])
        parents = [None] + chain[:-1]
        for (name, _level), code, parent in zip(REGION_FIELDS, chain, parents, strict=True):
            field = getattr(self, name)
            field.data = code or ""
            if name != "province_code" and parent is None:
                field.choices = [("", WAITING[name])]
            else:
                field.choices = [("", "—")] + [(r.code, r.name) for r in regions.children(parent)]


def kabupaten_choices():
    """Every kabupaten/kota grouped by province, after "the whole province"."""
    found = [SelectChoice("", _l("The whole province"))]
    for province in regions.provinces():
        found += [SelectChoice(r.code, r.name, optgroup=province.name) for r in regions.children(province.code)]
    return found


def province_choices():
    return [("", _l("Every province"))] + [(r.code, r.name) for r in regions.provinces()]
