"""The money rules: Decimal rupiah in Python, integer sen in the database, never a float."""
from decimal import ROUND_DOWN, Decimal

import pytest
from sqlalchemy import literal, select
from sqlalchemy.dialects import postgresql, sqlite

from coop_app.extensions import db
from coop_app.money import (
    AmbiguousAmount, Money, MoneyError, format_money, format_plain, from_sen, parse_amount, round_money, to_money,
    to_sen)

D = Decimal


# -- conversion to and from sen -------------------------------------------------------

@pytest.mark.parametrize("value, sen", [
    (D("1500000"), 150_000_000),
    (D("1500000.50"), 150_000_050),
    (D("0.01"), 1),
    (D("-250000.75"), -25_000_075),
    ("1500000.5", 150_000_050),
    (1500000, 150_000_000),
    (D("1.500"), 150),  # trailing zeros are exact
])
def test_to_sen_is_exact(value, sen):
    assert to_sen(value) == sen
    assert from_sen(sen) == to_money(value)


def test_from_sen_gives_two_decimal_decimals():
    assert from_sen(150_000_050) == D("1500000.50")
    assert str(from_sen(150_000_000)) == "1500000.00"
    assert str(from_sen(-1)) == "-0.01"
    assert isinstance(from_sen(7), Decimal)


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan"), 1500000.0])
def test_a_float_is_refused(value):
    with pytest.raises(TypeError):
        to_sen(value)
    with pytest.raises(TypeError):
        to_money(value)


def test_a_bool_or_other_object_is_refused():
    with pytest.raises(TypeError):
        to_sen(True)
    with pytest.raises(TypeError):
        to_sen([1])


@pytest.mark.parametrize("value", [D("1.505"), D("0.001"), "1500000.125", D("-0.005")])
def test_three_decimals_are_refused(value):
    with pytest.raises(MoneyError):
        to_sen(value)


@pytest.mark.parametrize("value", ["abc", "", D("NaN"), D("Infinity")])
def test_not_an_amount(value):
    with pytest.raises(MoneyError):
        to_money(value)


# -- the Money column -----------------------------------------------------------------

@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()],
                         ids=["sqlite", "postgresql"])
def test_money_column_binds_sen_and_reads_decimal(dialect):
    money = Money()
    assert money.process_bind_param(D("1500000.50"), dialect) == 150_000_050
    assert money.process_bind_param(None, dialect) is None
    assert money.process_result_value(150_000_050, dialect) == D("1500000.50")
    assert money.process_result_value(None, dialect) is None
    with pytest.raises(TypeError):
        money.process_bind_param(1500000.5, dialect)
    with pytest.raises(MoneyError):
        money.process_bind_param(D("1500000.505"), dialect)


def test_money_column_round_trips_through_the_database(ctx):
    for amount in (D("1500000.50"), D("-0.01"), D("99999999999.99")):
        stored = db.session.execute(select(literal(amount, Money))).scalar()
        assert stored == amount and isinstance(stored, Decimal)
    with pytest.raises(Exception) as caught:  # SQLAlchemy wraps the TypeError
        db.session.execute(select(literal(1.5, Money))).scalar()
    assert isinstance(caught.value, TypeError) or isinstance(
        getattr(caught.value, "orig", None), TypeError)


# -- parsing what people type ----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1.500.000", D("1500000")),
    ("1500000", D("1500000")),
    ("1.500.000,50", D("1500000.50")),
    ("1,5", D("1.50")),
    ("Rp1.500.000", D("1500000")),
    ("Rp 1.500.000", D("1500000")),
    ("  250.000 ", D("250000")),
    ("0,01", D("0.01")),
])
def test_parse_amount_indonesian(text, expected):
    assert parse_amount(text, "id") == expected


@pytest.mark.parametrize("text", ["1.5", "abc", "", "   ", "Rp", "1,505", "1.50.0", "12abc", None])
def test_parse_amount_indonesian_refuses(text):
    with pytest.raises(MoneyError):
        parse_amount(text, "id")


@pytest.mark.parametrize("text, expected", [
    ("1,500,000", D("1500000")),
    ("1,500,000.50", D("1500000.50")),
    ("1.5", D("1.50")),
    ("IDR 2,000", D("2000")),
])
def test_parse_amount_english(text, expected):
    assert parse_amount(text, "en") == expected


@pytest.mark.parametrize("text", ["1,5", "1.505", "abc"])
def test_parse_amount_english_refuses(text):
    with pytest.raises(MoneyError):
        parse_amount(text, "en")


@pytest.mark.parametrize("text, locale", [
    ("1e9", "id"), ("2e5", "en"), ("1E7", "id"), ("1e3", "en"), ("+5", "id"), ("5-0", "id"),
    ("1.000-", "id"), ("1,5e2", "id"), ("0x10", "en"), ("1_000", "id"), ("١٠٠", "id"),
    ("1.500,000", "id"), ("0,500", "id"), ("1,500.505", "en"),
])
def test_exponents_signs_inside_letters_and_third_decimals_are_refused(text, locale):
    with pytest.raises(MoneyError) as caught:
        parse_amount(text, locale)
    assert not isinstance(caught.value, AmbiguousAmount)


@pytest.mark.parametrize("text, locale, meant", [
    ("50,000", "id", "50.000"),  # typed the English way on an Indonesian screen: not Rp50
    ("1,505", "id", "1.505"),
    ("2,500", "id", "2.500"),
    ("1.500", "en", "1,500"),  # typed the Indonesian way on an English screen: not Rp1.50
    ("250.000", "en", "250,000"),
])
def test_three_digits_after_the_decimal_separator_are_refused_with_what_was_meant(text, locale, meant):
    with pytest.raises(AmbiguousAmount) as caught:
        parse_amount(text, locale)
    assert caught.value.suggestion == meant
    # Written as suggested, it is the amount meant.
    assert parse_amount(meant, locale) == D(meant.replace(".", "").replace(",", ""))


def test_three_digit_groups_written_as_thousands_are_not_ambiguous():
    assert parse_amount("50.000", "id") == D("50000")
    assert parse_amount("50,000", "en") == D("50000")
    assert parse_amount("1.500.000,50", "id") == D("1500000.50")
    assert parse_amount("-2.500", "id") == D("-2500")


def test_parse_amount_gives_decimal_never_float():
    assert isinstance(parse_amount("1.500.000,50"), Decimal)


# -- display ----------------------------------------------------------------------------

@pytest.mark.parametrize("amount, locale, text", [
    (D("1500000"), "id", "Rp1.500.000"),
    (D("1500000.00"), "id", "Rp1.500.000"),
    (D("1500000.50"), "id", "Rp1.500.000,50"),
    (D("-1500000"), "id", "-Rp1.500.000"),
    (D("-0.50"), "id", "-Rp0,50"),
    (D("0"), "id", "Rp0"),
    (D("1500000.50"), "en", "Rp1,500,000.50"),
    (D("999"), "id", "Rp999"),
])
def test_format_money(amount, locale, text):
    assert format_money(amount, locale) == text


def test_format_money_of_none_is_empty_and_float_is_refused():
    assert format_money(None) == ""
    with pytest.raises(TypeError):
        format_money(1500000.0)


def test_format_plain_parses_back():
    for amount in (D("1500000"), D("1500000.50"), D("0.01"), D("123456789.99")):
        for locale in ("id", "en"):
            assert parse_amount(format_plain(amount, locale), locale) == amount
    assert format_plain(D("1500000"), "id") == "1.500.000"


# -- rounding ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, step, expected", [
    (D("1500.50"), D("1"), D("1501")),
    (D("1500.49"), D("1"), D("1500")),
    (D("888487.89"), D("1"), D("888488")),
    (D("577777.78"), D("100"), D("577800")),
    (D("1549.99"), D("100"), D("1500")),
    (D("1550"), D("100"), D("1600")),
    (D("2500"), D("1000"), D("3000")),
    (D("2499.99"), D("1000"), D("2000")),
    (D("-1500.50"), D("1"), D("-1501")),  # half-up is away from zero, as people round
    (D("416666.666"), D("0.01"), D("416666.67")),
])
def test_round_money_half_up(value, step, expected):
    result = round_money(value, step)
    assert result == expected
    assert result.as_tuple().exponent == -2  # always a sen amount


def test_round_money_with_an_explicit_mode():
    assert round_money(D("1500.99"), D("1"), rounding=ROUND_DOWN) == D("1500")
    assert round_money(D("1999"), D("1000"), rounding=ROUND_DOWN) == D("1000")


def test_round_money_refuses_a_float():
    with pytest.raises(TypeError):
        round_money(1500.5)
