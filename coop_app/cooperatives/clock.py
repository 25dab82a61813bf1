"""The one clock: "now" in UTC for timestamps, and "today" as the cooperative's local date.

Indonesia keeps three time zones: WIB (UTC+7, Sumatra, Java, West and Central Kalimantan),
WITA (UTC+8, Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi) and WIT
(UTC+9, Maluku and Papua). A cooperative stores its zone; at 02:54 WIB the server's UTC
date is still yesterday, so a date a person means by "today" is always `local_today(coop)`,
never `date.today()`. Tests freeze this clock (time-machine moves both).
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import g, has_app_context

WIB, WITA, WIT = "WIB", "WITA", "WIT"
ZONES = {WIB: ZoneInfo("Asia/Jakarta"), WITA: ZoneInfo("Asia/Makassar"), WIT: ZoneInfo("Asia/Jayapura")}
DEFAULT_ZONE = WIB

# Kemendagri province codes (two digits) by zone: 61 and 62 (West and Central Kalimantan)
# keep WIB; the rest of Kalimantan, Bali, Nusa Tenggara and Sulawesi are WITA.
_WITA_CODES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_CODES = {"81", "82", "91", "92", "93", "94", "95", "96"}

# Province names as people type them, for records made before the official codes.
_WITA_WORDS = ("bali", "nusa tenggara", "ntb", "ntt", "kalimantan selatan", "kalimantan timur",
               "kalimantan utara", "kalsel", "kaltim", "kaltara", "sulawesi", "gorontalo",
               "sulut", "sulteng", "sulsel", "sultra", "sulbar")
_WIT_WORDS = ("maluku", "papua")


def zone_for_province_code(code):
    """WIB, WITA or WIT for a Kemendagri province code ("52" or "52.03.…")."""
    head = (code or "")[:2]
    if head in _WIT_CODES:
        return WIT
    if head in _WITA_CODES:
        return WITA
    return WIB


def zone_for_province_name(name):
    """Best guess from a free-text province name; WIB where the name says nothing."""
    text = (name or "").strip().lower()
    if any(word in text for word in _WIT_WORDS):
        return WIT
    if any(word in text for word in _WITA_WORDS):
        return WITA
    return WIB


def utc_now():
    """Now, as a naive UTC datetime (how every timestamp column stores it)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def zone_of(cooperative):
    return ZONES.get(getattr(cooperative, "time_zone", None) or DEFAULT_ZONE, ZONES[DEFAULT_ZONE])


def local_now(cooperative=None):
    """The wall-clock time at the cooperative (WIB where none is given), timezone-aware."""
    return datetime.now(timezone.utc).astimezone(zone_of(cooperative))


def local_today(cooperative=None) -> date:
    """The cooperative's own date: what its treasurer calls today."""
    return local_now(cooperative).date()


def coop_today():
    """Today at the cooperative of the page being served (g.coop; WIB without one): the
    default of every form's date field."""
    return local_today(g.get("coop") if has_app_context() else None)


def to_local(cooperative, moment):
    """A stored naive-UTC timestamp as the cooperative's wall-clock time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(zone_of(cooperative))
