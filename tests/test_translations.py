"""Indonesian is the default language: every user-facing string must have its translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("coop_app/**.py", "python"), ("templates/**.html", "jinja2")]


def _source_messages():
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS,
            options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalog():
    with open(ROOT / "coop_app/translations/id/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle, locale="id")


def test_every_string_in_the_code_has_an_indonesian_translation():
    catalog = _catalog()
    missing = []
    for msgid, where in sorted(_source_messages().items()):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run `make messages` and translate):\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    problems = []
    for message, errors in _catalog().check():
        problems.extend(f"{message.id!r}: {error}" for error in errors)
    assert not problems, "\n".join(problems)
