"""NIK rules: 16 digits, a real region, a real birth date that matches the member (women
add 40 to the day), through the pure checker and the service's translated messages."""
from datetime import date

import pytest

from coop_app.errors import InvalidField
from coop_app.members.nik import NIKError, check_nik, nik_birth_date
from coop_app.members.service import validate_nik
from tests.members.helpers import make_nik
from tests.support import in_english


def test_a_good_nik_is_cleaned_of_spaces_and_dots():
    assert check_nik(" 3201.0117 0590 0001 ") == "3201011705900001"


@pytest.mark.parametrize("nik", ["", "320101170590001", "32010117059000012", "32010117059O0001",
                                 "-320101170590001", "3201011705900001x"])
def test_format(nik):
    with pytest.raises(NIKError) as caught:
        check_nik(nik)
    assert caught.value.code == "format"


@pytest.mark.parametrize("nik", ["9901011705900001",   # no province 99
                                 "1001011705900001",   # no province 10
                                 "3200011705900001",   # kabupaten 00
                                 "3201001705900001"])  # kecamatan 00
def test_region(nik):
    with pytest.raises(NIKError) as caught:
        check_nik(nik)
    assert caught.value.code == "region"


@pytest.mark.parametrize("nik", ["3201013205900001",   # day 32
                                 "3201017205900001",   # day 72 (a woman's 32)
                                 "3201011713900001",   # month 13
                                 "3201011700900001",   # month 00
                                 "3201010005900001",   # day 00
                                 "3201011705900000"])  # serial 0000
def test_birth_part(nik):
    with pytest.raises(NIKError) as caught:
        check_nik(nik)
    assert caught.value.code == "birth"


def test_women_add_forty_to_the_day():
    born = date(1990, 5, 17)
    woman = make_nik(born, "F")
    assert woman[6:12] == "570590"
    assert check_nik(woman, born, "F") == woman
    assert nik_birth_date(woman, today=date(2025, 1, 1)) == born
    with pytest.raises(NIKError) as caught:
        check_nik(woman, born, "M")
    assert caught.value.code == "gender_mismatch"
    man = make_nik(born, "M")
    assert man[6:12] == "170590"
    with pytest.raises(NIKError) as caught:
        check_nik(man, born, "F")
    assert caught.value.code == "gender_mismatch"


@pytest.mark.parametrize("other", [date(1990, 5, 18), date(1990, 6, 17), date(1991, 5, 17)])
def test_birth_date_mismatch(other):
    with pytest.raises(NIKError) as caught:
        check_nik(make_nik(date(1990, 5, 17), "M"), other, "M")
    assert caught.value.code == "birth_mismatch"


def test_century_is_guessed_from_today():
    assert nik_birth_date("3201011705050001", today=date(2025, 1, 1)) == date(2005, 5, 17)
    assert nik_birth_date("3201011705300001", today=date(2025, 1, 1)) == date(1930, 5, 17)


@pytest.mark.parametrize("nik,birth,gender,message", [
    ("12345", None, None, "exactly 16 digits"),
    ("9901011705900001", None, None, "region code"),
    ("3201013205900001", None, None, "not a real date"),
    (make_nik(date(1990, 5, 17)), date(1990, 5, 18), "M", "does not match the birth date"),
    (make_nik(date(1990, 5, 17), "F"), date(1990, 5, 17), "M", "does not match the gender"),
])
def test_service_explains_each_rule_on_the_nik_field(app, nik, birth, gender, message):
    with app.app_context():
        with pytest.raises(InvalidField) as caught:
            validate_nik(nik, birth, gender)
        assert caught.value.field == "nik"
        assert message in in_english(caught.value)
