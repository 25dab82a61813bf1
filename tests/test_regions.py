"""Regions from the official list: the vendored Kemendagri codes, free text mapped to them
(by the service and by migration 0011), the admin's desa picker, auditors scoped by code,
and the list of what could not be mapped."""
import json
import re
from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from coop_app.auth import service as users
from coop_app.auth.access import accessible_cooperatives_query
from coop_app.auth.models import User
from coop_app.cooperatives import regions
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.provisioning import create_cooperative
from tests.conftest import JUNTINYUAT, PASSWORD
from tests.support.web import client_for, element_text, table_column, text_of

NEW = {"code": "KSP-BARU", "type": "ksp", "name": "KSP Baru", "founded_on": "2021-05-17",
       "fiscal_year_start_month": "1"}
LEREP = "33.22.18.2004"  # Desa Lerep, Kec. Ungaran Barat, Kabupaten Semarang, Jawa Tengah


def coop_row(app, code):
    with app.app_context():
        coop = db.session.execute(select(Cooperative).where(Cooperative.code == code)).scalar_one()
        return {name: getattr(coop, name) for name in (
            "province_code", "kabupaten_code", "kecamatan_code", "village_code", "province",
            "kabupaten", "kecamatan", "village", "time_zone")}


def count_cooperatives(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Cooperative.id)))


# -- the vendored list ---------------------------------------------------------------------------

def test_the_vendored_list_holds_every_level_with_its_codes():
    provinces = regions.provinces()
    assert len(provinces) == 38
    assert (provinces[0], provinces[-1]) == (regions.Region("11", "Aceh"),
                                             regions.Region("96", "Papua Barat Daya"))
    assert sum(len(regions.children(p.code)) for p in provinces) == 514
    place = regions.place_of("32.12.11.2005")
    assert (place.province, place.kabupaten, place.kecamatan, place.village) == (
        "Jawa Barat", "Kabupaten Indramayu", "Juntinyuat", "Juntinyuat")
    assert (place.province_code, place.kabupaten_code, place.kecamatan_code) == ("32", "32.12", "32.12.11")
    assert [r.name for r in regions.children("32.12.11")][:4] == ["Segeran Kidul", "Segeran Lor",
                                                                  "Juntiweden", "Dadap"]
    assert regions.label("52.03") == "Kabupaten Lombok Timur, Nusa Tenggara Barat"
    # codes that are not a desa of the list
    assert regions.place_of("32.12.11") is None and regions.place_of("32.12.11.9999") is None
    assert regions.place_of("x' OR 1=1") is None and regions.children("99") == []


def test_the_vendored_file_names_its_package_version_and_licence():
    folder = regions.DATA_FILE.parent
    readme = (folder / "README.md").read_text()
    assert "`idn-area-data` version `4.0.1`" in readme and "Open Database License" in readme
    assert "| desa/kelurahan | 83762 |" in readme
    assert (folder / "LICENSE.md").read_text().startswith("# Open Database License (ODbL)")


def test_free_text_is_matched_to_the_codes():
    place = regions.match("Jateng", "Kab. Semarang", "Kec. Ungaran Barat", "Desa Lerep")
    assert (place.village_code, place.province, place.kabupaten) == (LEREP, "Jawa Tengah", "Kabupaten Semarang")
    assert regions.match("jabar", "KABUPATEN  INDRAMAYU", "juntinyuat", "Juntikebon").village_code == "32.12.11.2010"
    assert regions.match("DKI", "Jakarta Selatan", "Tebet", "Kel. Tebet Timur").village_code == "31.74.01.1001"
    assert regions.match("DIY", "Kota Yogyakarta", "Gondokusuman", "Baciro").village_code == "34.71.03.1004"
    # "Cirebon" is a kabupaten and a kota: the kecamatan decides
    assert regions.match("Jawa Barat", "Cirebon", "Weru", "Weru Kidul").kabupaten_code == "32.09"
    assert regions.match("Jawa Barat", "Cirebon", "Kejaksan", "Kesenden").kabupaten_code == "32.74"
    # a province not recognised is taken from a kabupaten found once in the country
    assert regions.match("Jawa Brat", "Kab. Indramayu", "Juntinyuat", "Juntinyuat").village_code == JUNTINYUAT
    # what is not found keeps its words and no code, with every level below it
    place = regions.match("Jateng", "Kab. Antah Berantah", "Kec. X", "Desa Y")
    assert (place.province_code, place.kabupaten_code, place.village_code) == ("33", None, None)
    assert (place.province, place.kabupaten, place.village) == ("Jawa Tengah", "Kab. Antah Berantah", "Desa Y")
    assert regions.match("Indramayu", "", "", "").province_code is None


# -- migration 0011 ------------------------------------------------------------------------------

def rows(sql, **params):
    found = db.session.execute(text(sql), params).all()
    db.session.remove()
    return found


def test_migration_maps_free_text_regions_to_codes_and_lists_the_rest(app, world):
    with app.app_context():
        try:
            downgrade(revision="0010")
            # the world's grants went back to names
            assert rows("SELECT scope_province, scope_kabupaten FROM role_grants r JOIN users u"
                        " ON u.id = r.user_id WHERE u.username = 'auditor.indramayu'") == [
                ("Jawa Barat", "Kabupaten Indramayu")]
            places = {
                "KSP-A": ("Jateng", "Kab. Semarang", "Kec. Ungaran Barat", "Desa Lerep", "WIB"),
                "KSP-B": ("jabar", "Kab. Indramayu", "Juntinyuat", "Juntikebon", "WIB"),
                # NTB was WIB by mistake: the province's code makes it WITA
                "BMT-C": ("NTB", "Kabupaten Lombok Timur", "Suralaga", "Desa Antah Berantah", "WIB"),
            }
            for code, (province, kabupaten, kecamatan, village, zone) in places.items():
                db.session.execute(text(
                    "UPDATE cooperatives SET province = :p, kabupaten = :k, kecamatan = :c, village = :v,"
                    " time_zone = :z WHERE code = :code"),
                    dict(p=province, k=kabupaten, c=kecamatan, v=village, z=zone, code=code))
            db.session.execute(text(
                "INSERT INTO cooperatives (code, name, type, village, kecamatan, kabupaten, province,"
                " founded_on, fiscal_year_start_month, member_number_pattern, time_zone,"
                " large_amount_sen, created_at) VALUES ('KSP-X', 'KSP Entah', 'ksp', 'Sukamaju',"
                " 'Kec Lama', 'Kab', 'Prov', '2020-01-01', 1, '{year}.{seq:05d}', 'WIB', 5000000000,"
                " '2020-01-01 00:00:00')"))
            jateng = users.create_user("auditor.jateng", "Auditor Jateng", PASSWORD)
            mars = users.create_user("auditor.mars", "Auditor Mars", PASSWORD)
            for user, province, kabupaten in ((jateng, "Jawa Tengah", None), (jateng, "Jateng", None),
                                              (mars, "Atlantis", None)):
                db.session.execute(text(
                    "INSERT INTO role_grants (user_id, role, scope_province, scope_kabupaten, created_at)"
                    " VALUES (:u, 'auditor', :p, :k, '2026-01-01 00:00:00')"),
                    dict(u=user.id, p=province, k=kabupaten))
            db.session.commit()
            db.session.remove()
        finally:
            upgrade()

    assert coop_row(app, "KSP-A") == dict(
        province_code="33", kabupaten_code="33.22", kecamatan_code="33.22.18", village_code=LEREP,
        province="Jawa Tengah", kabupaten="Kabupaten Semarang", kecamatan="Ungaran Barat",
        village="Lerep", time_zone="WIB")
    assert coop_row(app, "KSP-B")["village_code"] == "32.12.11.2010"
    assert coop_row(app, "BMT-C") == dict(
        province_code="52", kabupaten_code="52.03", kecamatan_code="52.03.13", village_code=None,
        province="Nusa Tenggara Barat", kabupaten="Kabupaten Lombok Timur", kecamatan="Suralaga",
        village="Desa Antah Berantah", time_zone="WITA")
    assert coop_row(app, "KSP-X") == dict(
        province_code=None, kabupaten_code=None, kecamatan_code=None, village_code=None,
        province="Prov", kabupaten="Kab", kecamatan="Kec Lama", village="Sukamaju", time_zone="WIB")
    with app.app_context():
        scopes = rows("SELECT u.username, scope_province, scope_kabupaten FROM role_grants r JOIN users u"
                      " ON u.id = r.user_id WHERE r.role = 'auditor' ORDER BY u.username, r.id")
    assert scopes == [("auditor.all", None, None), ("auditor.indramayu", "32", "32.12"),
                      ("auditor.jabar", "32", None), ("auditor.jateng", "33", None),  # two became one
                      ("auditor.mars", "Atlantis", None), ("auditor.ntb", "52", None)]

    # the auditor of Jawa Tengah sees the cooperative written "Jateng"; Atlantis sees nothing
    jateng = client_for(app, "auditor.jateng")
    assert jateng.get("/").headers["Location"] == "/c/KSP-A/"
    assert jateng.get("/c/KSP-A/").status_code == 200
    assert jateng.get("/c/KSP-B/").status_code == 404
    assert client_for(app, "auditor.jabar").get("/c/KSP-A/").status_code == 404
    assert client_for(app, "auditor.mars").get("/c/KSP-A/").status_code == 404

    # the admin is shown what could not be mapped, with a link to fix each
    page = text_of(client_for(app, "admin").get("/admin/cooperatives"))
    assert table_column(page, "unmapped-cooperatives", 0) == ["BMT-C", "KSP-X"]
    assert table_column(page, "unmapped-cooperatives", 2) == [
        "Desa Antah Berantah, Suralaga, Kabupaten Lombok Timur, Nusa Tenggara Barat",
        "Sukamaju, Kec Lama, Kab, Prov"]
    with app.app_context():
        ids = dict(db.session.execute(select(Cooperative.code, Cooperative.id)).all())
        mars_id = db.session.execute(select(User.id).where(User.username == "auditor.mars")).scalar_one()
    assert f'href="/admin/cooperatives/{ids["KSP-X"]}/edit"' in page
    assert element_text(page, "unmapped-grants").startswith("Auditors' regions not in the official list")
    assert f'href="/admin/users/{mars_id}">auditor.mars</a>: Atlantis' in page


# -- the admin's desa picker ---------------------------------------------------------------------

def options(html, name):
    """(value, label) of the options of select `name`, and the selected value."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    found = re.findall(r'<option([^>]*)value="([^"]*)"[^>]*>([^<]*)</option>', select_html)
    chosen = [value for attrs, value, _label in found if "selected" in attrs]
    return [(value, label) for _attrs, value, label in found], (chosen[0] if chosen else None)


def test_admin_picks_the_desa_province_first_without_javascript(app, world):
    admin = client_for(app, "admin")
    page = text_of(admin.get("/admin/cooperatives/new"))
    provinces, _chosen = options(page, "province_code")
    assert len(provinces) == 39 and ("32", "Jawa Barat") in provinces
    assert options(page, "kabupaten_code")[0] == [("", "Choose the province first")]
    assert 'formmethod="get"' in page and 'src="/static/js/regions.js"' in page

    # "Show the list" sends the form by GET: what was typed stays, the next list is filled
    page = text_of(admin.get("/admin/cooperatives/new", query_string={
        **NEW, "province_code": "32", "kabupaten_code": "", "refresh": "1"}))
    kabupaten, chosen = options(page, "kabupaten_code")
    assert ("32.12", "Kabupaten Indramayu") in kabupaten and len(kabupaten) == 28 and chosen == ""
    assert options(page, "province_code")[1] == "32"
    assert 'value="KSP Baru"' in page
    assert options(page, "kecamatan_code")[0] == [("", "Choose the kabupaten/kota first")]
    page = text_of(admin.get("/admin/cooperatives/new", query_string={
        **NEW, "province_code": "32", "kabupaten_code": "32.12", "kecamatan_code": "32.12.11", "refresh": "1"}))
    villages, _chosen = options(page, "village_code")
    assert ("32.12.11.2005", "Juntinyuat") in villages and len(villages) == 13

    response = admin.post("/admin/cooperatives/new", data={
        **NEW, "province_code": "32", "kabupaten_code": "32.12", "kecamatan_code": "32.12.11",
        "village_code": "32.12.11.2005"})
    assert response.status_code == 302
    assert coop_row(app, "KSP-BARU") == dict(
        province_code="32", kabupaten_code="32.12", kecamatan_code="32.12.11", village_code=JUNTINYUAT,
        province="Jawa Barat", kabupaten="Kabupaten Indramayu", kecamatan="Juntinyuat",
        village="Juntinyuat", time_zone="WIB")
    # the auditor of Indramayu sees it at once
    assert client_for(app, "auditor.indramayu").get("/c/KSP-BARU/").status_code == 200


def test_a_desa_in_ntb_makes_a_wita_cooperative(app, world):
    admin = client_for(app, "admin")
    assert admin.post("/admin/cooperatives/new", data={**NEW, "village_code": "52.03.13.2005"}).status_code == 302
    row = coop_row(app, "KSP-BARU")
    assert (row["province"], row["kabupaten_code"], row["time_zone"]) == ("Nusa Tenggara Barat", "52.03", "WITA")
    # moved to Jawa Barat on the edit form: its zone follows the province
    with app.app_context():
        coop_id = db.session.execute(select(Cooperative.id).where(Cooperative.code == "KSP-BARU")).scalar_one()
    form = text_of(admin.get(f"/admin/cooperatives/{coop_id}/edit"))
    assert options(form, "time_zone")[1] == ""  # "from the province", which it is
    assert admin.post(f"/admin/cooperatives/{coop_id}/edit", data={**NEW, "province_code": "32",
                      "kabupaten_code": "32.12", "kecamatan_code": "32.12.11",
                      "village_code": JUNTINYUAT, "time_zone": ""}).status_code == 302
    assert coop_row(app, "KSP-BARU")["time_zone"] == "WIB"


def test_a_code_not_in_the_list_is_refused_with_422(app, world):
    admin = client_for(app, "admin")
    before = count_cooperatives(app)
    for village in ("32.12.11.9999", "32.12.11", "", "Juntinyuat"):
        response = admin.post("/admin/cooperatives/new", data={**NEW, "village_code": village})
        assert response.status_code == 422, village
        assert "Choose the desa from the official list." in text_of(response)
    # the province changed without showing the lists again: the old desa is not taken
    response = admin.post("/admin/cooperatives/new", data={
        **NEW, "province_code": "52", "kabupaten_code": "32.12", "kecamatan_code": "32.12.11",
        "village_code": JUNTINYUAT})
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose the desa from the official list." in page
    kabupaten, chosen = options(page, "kabupaten_code")
    assert ("52.03", "Kabupaten Lombok Timur") in kabupaten and chosen == ""
    assert count_cooperatives(app) == before


def test_the_lists_script_reads_the_children_as_json(app, world):
    admin = client_for(app, "admin")
    found = json.loads(text_of(admin.get("/admin/regions?parent=32.12.11")))
    assert found[0] == {"code": "32.12.11.2001", "name": "Segeran Kidul"} and len(found) == 12
    assert len(json.loads(text_of(admin.get("/admin/regions")))) == 38
    assert json.loads(text_of(admin.get("/admin/regions?parent=nowhere"))) == []
    assert client_for(app, "auditor.all").get("/admin/regions").status_code == 403
    script = app.test_client().get("/static/js/regions.js")
    assert script.status_code == 200 and b"childrenUrl" in script.data


def test_an_unmapped_cooperative_is_fixed_on_its_form(app, world):
    with app.app_context():
        coop = create_cooperative("KSP-LAMA", "ksp", name="KSP Lama", village="Ds. Entah",
                                  kecamatan="Kec. Entah", kabupaten="Kab. Indramayu", province="Jabar",
                                  founded_on=date(2020, 1, 1))
        coop_id = coop.id
        db.session.commit()
    admin = client_for(app, "admin")
    page = text_of(admin.get("/admin/cooperatives"))
    assert table_column(page, "unmapped-cooperatives", 0) == ["KSP-LAMA"]
    form = text_of(admin.get(f"/admin/cooperatives/{coop_id}/edit"))
    assert "Recorded as: Ds. Entah, Kec. Entah, Kabupaten Indramayu, Jawa Barat." in form
    # the levels that were found are chosen already
    assert options(form, "kabupaten_code")[1] == "32.12"
    assert options(form, "kecamatan_code")[1] == ""
    response = admin.post(f"/admin/cooperatives/{coop_id}/edit", data={
        "name": "KSP Lama", "founded_on": "2020-01-01", "fiscal_year_start_month": "1",
        "province_code": "32", "kabupaten_code": "32.12", "kecamatan_code": "32.12.11",
        "village_code": "32.12.11.2010"})
    assert response.status_code == 302
    assert coop_row(app, "KSP-LAMA")["village"] == "Juntikebon"
    assert 'id="unmapped-cooperatives"' not in text_of(admin.get("/admin/cooperatives"))


# -- auditors by code ----------------------------------------------------------------------------

def test_a_cooperative_written_jateng_is_seen_by_the_auditor_of_jawa_tengah(app, world):
    with app.app_context():
        create_cooperative("KSP-SMG", "ksp", name="KSP Ungaran", village="Lerep",
                           kecamatan="Ungaran Barat", kabupaten="Kab. Semarang", province="Jateng",
                           founded_on=date(2020, 1, 1))
        db.session.commit()
    admin = client_for(app, "admin")
    assert admin.post("/admin/users/new", data={"username": "auditor.jateng", "full_name": "Auditor Jateng",
                                                "password": "long-enough-1", "confirm": "long-enough-1"}
                      ).status_code == 302
    page = text_of(admin.get("/admin/users/13"))
    assert '<optgroup label="Jawa Tengah"><option value="33.01">Kabupaten Cilacap</option>' in page
    assert admin.post("/admin/users/13/grants", data={"role": "auditor", "scope_province": "33"}).status_code == 302
    assert "Auditor: Jawa Tengah" in text_of(admin.get("/admin/users"))
    jateng = client_for(app, "auditor.jateng", "long-enough-1")
    assert jateng.get("/c/KSP-SMG/").status_code == 200
    assert jateng.get("/c/KSP-A/").status_code == 404
    assert client_for(app, "auditor.jabar").get("/c/KSP-SMG/").status_code == 404
    with app.app_context():
        user = db.session.get(User, 13)
        assert [c.code for c in db.session.scalars(accessible_cooperatives_query(user))] == ["KSP-SMG"]


def test_auditors_of_the_world_are_scoped_by_code(app, world):
    with app.app_context():
        def seen(username):
            user = db.session.execute(select(User).where(User.username == username)).scalar_one()
            return [c.code for c in db.session.scalars(accessible_cooperatives_query(user))]
        assert seen("auditor.jabar") == ["KSP-B", "KSP-A"]  # Cirebon before Indramayu by code
        assert seen("auditor.indramayu") == ["KSP-A"]
        assert seen("auditor.ntb") == ["BMT-C"]
