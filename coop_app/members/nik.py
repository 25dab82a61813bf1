"""NIK (Nomor Induk Kependudukan): 16 digits PP KK CC DDMMYY SSSS.

PP province, KK kabupaten/kota, CC kecamatan, DDMMYY the birth date (women add 40 to the
day), SSSS a serial number. Pure functions: no database.
"""
from datetime import date

from coop_app.cooperatives.clock import local_today

PROVINCE_CODES = frozenset({
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
    61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
})


class NIKError(ValueError):
    """Why a NIK is not plausible; .code names the rule for a translated message."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_nik(nik, birth_date=None, gender=None):
    """Return the cleaned NIK, or raise NIKError with the rule it breaks.

    With a birth date and gender, the date part must match them.
    """
    nik = (nik or "").strip().replace(" ", "").replace(".", "")
    if len(nik) != 16 or not nik.isdigit():
        raise NIKError("format")
    province, kabupaten, kecamatan = int(nik[0:2]), int(nik[2:4]), int(nik[4:6])
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    serial = int(nik[12:16])
    if province not in PROVINCE_CODES or kabupaten == 0 or kecamatan == 0:
        raise NIKError("region")
    female = day > 40
    if female:
        day -= 40
    if not 1 <= month <= 12 or not 1 <= day <= 31 or serial == 0:
        raise NIKError("birth")
    if birth_date is not None:
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, year):
            raise NIKError("birth_mismatch")
        if gender is not None and female != (gender == "F"):
            raise NIKError("gender_mismatch")
    return nik


def nik_birth_date(nik, today=None):
    """The birth date encoded in a valid NIK (century guessed from today)."""
    today = today or local_today()  # WIB: a birth date is a few hours either way
    day, month, year = int(nik[6:8]) % 40, int(nik[8:10]), int(nik[10:12])
    century = 2000 if 2000 + year <= today.year else 1900
    return date(century + year, month, day)


class KKError(ValueError):
    """Why a family card (KK) number is not plausible; .code names the rule for a message."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_kk(kk):
    """Return the cleaned KK number, or raise KKError with the rule it breaks.

    A KK is 16 digits PP KK CC DDMMYY SSSS like a NIK, but its date is the day the card
    was issued (no +40 for women) and the serial is the card's.
    """
    kk = (kk or "").strip().replace(" ", "").replace(".", "")
    if len(kk) != 16 or not kk.isdigit():
        raise KKError("format")
    if int(kk[0:2]) not in PROVINCE_CODES or int(kk[2:4]) == 0 or int(kk[4:6]) == 0:
        raise KKError("region")
    day, month = int(kk[6:8]), int(kk[8:10])
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        raise KKError("issued")
    if int(kk[12:16]) == 0:
        raise KKError("serial")
    return kk
