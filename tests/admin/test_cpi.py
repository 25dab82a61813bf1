"""The consumer price index table: values read exactly from text with either separator, one
per province and year, the deflator, and the administrator's pages (nobody else's)."""
from decimal import Decimal

import pytest
from flask import g
from flask_babel import force_locale
from sqlalchemy import func, select

from coop_app.cooperatives import prices
from coop_app.cooperatives.models import ConsumerPriceIndex
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from tests.support.web import login_as, table_column, text_of

JAWA_BARAT, NTB = "32", "52"
CPI = "/admin/cpi"


def index_count(app=None):
    query = select(func.count()).select_from(ConsumerPriceIndex)
    if app is None:
        return db.session.scalar(query)
    with app.app_context():
        return db.session.scalar(query)


def values(app):
    with app.app_context():
        return db.session.execute(select(ConsumerPriceIndex.province_code, ConsumerPriceIndex.year,
                                         ConsumerPriceIndex.value)
                                  .order_by(ConsumerPriceIndex.province_code, ConsumerPriceIndex.year)).all()


@pytest.fixture
def sctx(ctx):
    with force_locale("en"):
        g.actor_id = None
        yield ctx


# -- the values ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("112,34", Decimal("112.34")), ("112.34", Decimal("112.34")), (" 98 ", Decimal("98.00")),
    ("105,5", Decimal("105.50")), ("10", Decimal("10.00")), ("1000,00", Decimal("1000.00")),
    (Decimal("101.25"), Decimal("101.25")),
])
def test_values_are_read_exactly_with_a_comma_or_a_dot(text, value):
    parsed = prices.parse_value(text)
    assert parsed == value and isinstance(parsed, Decimal) and parsed.as_tuple().exponent == -2


@pytest.mark.parametrize("text, message", [
    ("112,345", "Write the index like 112,34: a number with at most two decimals."),
    ("1.000", "Write the index like 112,34: a number with at most two decimals."),  # a thousand? one?
    ("1.000,00", "Write the index like 112,34: a number with at most two decimals."),
    ("seratus", "Write the index like 112,34: a number with at most two decimals."),
    ("", "Write the index like 112,34: a number with at most two decimals."),
    ("-5", "Write the index like 112,34: a number with at most two decimals."),
    ("1e2", "Write the index like 112,34: a number with at most two decimals."),
    (Decimal("100.001"), "Write the index like 112,34: a number with at most two decimals."),
    (Decimal("NaN"), "Write the index like 112,34: a number with at most two decimals."),
    (112.34, "Write the index like 112,34: a number with at most two decimals."),  # never a float
    ("9,99", "The index is from 10 to 1000 (2022 = 100)."),
    ("1000,01", "The index is from 10 to 1000 (2022 = 100)."),
])
def test_bad_values_are_refused_with_how_to_write_them(sctx, text, message):
    with pytest.raises(InvalidField) as refused:
        prices.parse_value(text)
    assert (refused.value.field, str(refused.value)) == ("value", message)


def test_one_index_a_province_and_year_and_the_deflator(sctx):
    jabar = prices.add_index(JAWA_BARAT, 2024, "112,34")
    prices.add_index(NTB, 2024, "108.10")
    db.session.commit()
    assert prices.deflator(JAWA_BARAT, 2024) == Decimal("1.1234")  # 112,34 / 100, exactly
    assert prices.deflator(NTB, 2024) == Decimal("1.081")
    assert prices.deflator(JAWA_BARAT, 2023) is None  # no index: no real figure
    # Rp3.000.000 a month in Jawa Barat in 2024 is 3.000.000 / 1,1234 in 2022 rupiah
    assert (Decimal("3000000") / prices.deflator(JAWA_BARAT, 2024)).quantize(Decimal(1)) == 2670465  # 2.670.464,66
    with pytest.raises(InvalidField, match="Jawa Barat already has an index for 2024: edit it instead."):
        prices.add_index(JAWA_BARAT, 2024, "113")
    db.session.rollback()
    prices.update_index(jabar.id, JAWA_BARAT, 2024, "112,50")
    db.session.commit()
    assert prices.deflator(JAWA_BARAT, 2024) == Decimal("1.125")
    prices.delete_index(jabar.id)
    db.session.commit()
    assert prices.deflator(JAWA_BARAT, 2024) is None and index_count() == 1
    with pytest.raises(NotFound):
        prices.get_index(jabar.id)


@pytest.mark.parametrize("province, year, field, message", [
    ("99", 2024, "province_code", "Choose the province from the official list."),
    ("32.12", 2024, "province_code", "Choose the province from the official list."),
    (JAWA_BARAT, 1999, "year", "The year is from 2000 to 2026."),
    (JAWA_BARAT, 2027, "year", "The year is from 2000 to 2026."),
    (JAWA_BARAT, None, "year", "The year is from 2000 to 2026."),
])
def test_bad_province_or_year_is_refused(sctx, province, year, field, message):
    with pytest.raises(InvalidField) as refused:
        prices.add_index(province, year, "112,34")
    assert (refused.value.field, str(refused.value)) == (field, message)
    db.session.rollback()
    assert index_count() == 0


# -- the admin's pages --------------------------------------------------------------------

def test_the_admin_adds_edits_and_removes_an_index(app, client, world):
    login_as(client, "admin")
    assert f'href="{CPI}"' in text_of(client.get("/admin/cooperatives"))  # the admin's tab
    page = text_of(client.get(f"{CPI}/new"))
    assert '<option value="32">Jawa Barat</option>' in page and 'value="2025"' in page
    response = client.post(f"{CPI}/new", data={"province_code": JAWA_BARAT, "year": "2024", "value": "112,34"})
    assert response.status_code == 302, text_of(response)
    client.post(f"{CPI}/new", data={"province_code": NTB, "year": "2023", "value": "104.9"})
    assert values(app) == [(JAWA_BARAT, 2024, Decimal("112.34")), (NTB, 2023, Decimal("104.90"))]
    page = text_of(client.get(CPI))
    assert table_column(page, "price-indexes", 0) == ["Jawa Barat", "Nusa Tenggara Barat"]
    assert table_column(page, "price-indexes", 2) == ["112.34", "104.90"]  # read in English
    assert table_column(text_of(client.get(f"{CPI}?province={NTB}")), "price-indexes", 1) == ["2023"]
    with app.app_context():
        jabar = db.session.execute(select(ConsumerPriceIndex.id).where(
            ConsumerPriceIndex.province_code == JAWA_BARAT)).scalar_one()
    assert 'value="112.34"' in text_of(client.get(f"{CPI}/{jabar}/edit"))
    assert client.post(f"{CPI}/{jabar}/edit", data={"province_code": JAWA_BARAT, "year": "2024",
                                                   "value": "112,5"}).status_code == 302
    assert values(app)[0] == (JAWA_BARAT, 2024, Decimal("112.50"))
    assert client.post(f"{CPI}/{jabar}/delete").status_code == 302
    assert values(app) == [(NTB, 2023, Decimal("104.90"))]
    assert client.post(f"{CPI}/{jabar}/delete").status_code == 404
    assert client.get(f"{CPI}/{jabar}/edit").status_code == 404


@pytest.mark.parametrize("changes, message", [
    (dict(value="112,345"), "Write the index like 112,34: a number with at most two decimals."),
    (dict(value="1.000"), "Write the index like 112,34: a number with at most two decimals."),
    (dict(value="5"), "The index is from 10 to 1000 (2022 = 100)."),
    (dict(value=""), "Enter the index."),
    (dict(year="2030"), "The year is from 2000 to 2026."),
    (dict(year="tahun lalu"), "Write the year, like 2025."),
    (dict(province_code=""), "Choose the province."),
    (dict(province_code="99"), "Choose one of the listed options."),
    (dict(year="2023"), "Jawa Barat already has an index for 2023: edit it instead."),
])
def test_bad_input_on_the_form_is_422_and_nothing_changes(app, client, world, changes, message):
    with app.app_context():
        prices.add_index(JAWA_BARAT, 2023, "109,10")
        db.session.commit()
    login_as(client, "admin")
    response = client.post(f"{CPI}/new", data={"province_code": JAWA_BARAT, "year": "2024", "value": "112,34",
                                               **changes})
    assert response.status_code == 422
    assert message in text_of(response)
    assert values(app) == [(JAWA_BARAT, 2023, Decimal("109.10"))]


@pytest.mark.parametrize("username", ["manager", "treasurer", "member", "auditor.all", "auditor.jabar"])
def test_only_the_admin_keeps_the_table(app, client, world, username):
    with app.app_context():
        index = prices.add_index(JAWA_BARAT, 2023, "109,10")
        db.session.commit()
        index_id = index.id
    login_as(client, username)
    assert client.get(CPI).status_code == 403
    assert client.get(f"{CPI}/new").status_code == 403
    assert client.post(f"{CPI}/new", data={"province_code": NTB, "year": "2024", "value": "110"}).status_code == 403
    assert client.post(f"{CPI}/{index_id}/edit", data={"province_code": JAWA_BARAT, "year": "2023",
                                                      "value": "200"}).status_code == 403
    assert client.post(f"{CPI}/{index_id}/delete").status_code == 403
    assert values(app) == [(JAWA_BARAT, 2023, Decimal("109.10"))]
    client.post("/logout")
    assert client.get(CPI).status_code == 302  # to the login page
