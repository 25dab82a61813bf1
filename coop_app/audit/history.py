"""The audit trail read as history: each row a sentence in the reader's language ("Wartini
changed the phone of member 2025.00026 (Siti Rahayu) from 0812… to 0813…"), its record named
and linked by the package that owns the table (registry().audit_records), field names as
words and values formatted (money in rupiah, dates in the reader's language).

A value that is a stored code (a status, a kind) is shown only when the table's package puts
it in words; otherwise the sentence names the field and leaves the values to the raw view,
which the page keeps one click away for auditors."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Boolean, Date, DateTime, select, tuple_
from werkzeug.routing import BuildError

from coop_app.audit.labels import field_label, record_label
from coop_app.audit.models import AuditLog
from coop_app.auth.models import User
from coop_app.extensions import db
from coop_app.money import Money, format_money
from coop_app.registry import AuditRecord, registry

# Columns that only the machinery reads: never part of a sentence (they stay in the raw view).
HIDDEN = {"id", "cooperative_id", "created_at", "name_search", "application_key", "password_hash",
          "session_version", "schedule_version",
          # a cooperative's region codes: its names (province, kabupaten, ...) change with them
          "province_code", "kabupaten_code", "kecamatan_code", "village_code"}
CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
# Free text that may well be one lower-case word: shown as typed, never taken for a code.
FREE_TEXT = {"name", "address", "purpose", "memo", "notes", "description", "goods_description",
             "collateral_description", "decision_reason", "village", "kecamatan", "kabupaten",
             "province", "products", "reference", "username", "full_name", "destination_country",
             "country", "phone", "nik", "member_number", "number", "code"}
NOT_SHOWN = object()  # a value the sentence does not print (a code nobody named)


@dataclass
class Change:
    field: str
    old: object  # words, None (empty) or NOT_SHOWN
    new: object

    @property
    def shown(self):
        """Whether the values are printed (no code nobody named)."""
        return self.old is not NOT_SHOWN and self.new is not NOT_SHOWN


@dataclass
class Line:
    """One row of the log as a person reads it."""
    row: AuditLog
    sentence: Markup
    changes: list = field(default_factory=list)  # of an update of more than one field
    url: str | None = None


def _generic(table):
    def describe(row_id, _values):
        return _("%(record)s #%(id)s", record=record_label(table), id=row_id)
    return AuditRecord(describe=describe)


def _record(table):
    return registry().audit_records.get(table) or _generic(table)


def _column(table, key):
    table = db.metadata.tables.get(table)
    return table.c.get(key) if table is not None else None


def value_words(table, key, value, record=None):
    """A stored value in words: the table's own words for a code, money in rupiah, a date in
    the reader's language, yes or no; None stays None (empty); NOT_SHOWN for a code nobody
    named."""
    if value is None or value == "":
        return None
    own = (record.values if record else {}).get(key)
    if own is not None:
        return str(own(value))
    column = _column(table, key)
    kind = column.type if column is not None else None
    locale = str(get_locale())
    if key.endswith("_sen") and isinstance(value, int):
        return format_money(Decimal(value) / 100, locale)
    if isinstance(kind, Money):
        return format_money(value, locale)
    if isinstance(kind, DateTime) and isinstance(value, str):
        return format_datetime(datetime.fromisoformat(value), "medium")
    if isinstance(kind, Date) and isinstance(value, str):
        return format_date(date.fromisoformat(value), "long")
    if isinstance(kind, Boolean) or isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_bp") and isinstance(value, int):
        percent = format(Decimal(value).scaleb(-2).normalize(), "f")  # 150 bp: "1.5", exactly
        return f"{percent}%".replace(".", "," if locale == "id" else ".")
    if column is not None and isinstance(value, int) and any(
            fk.target_fullname == "users.id" for fk in column.foreign_keys):
        user = db.session.get(User, value)
        return user.full_name if user is not None else f"#{value}"
    if key.endswith("_id") and isinstance(value, int):
        return f"#{value}"
    if isinstance(value, (dict, list)):  # a split or an allocation: the raw view has it
        return NOT_SHOWN
    if isinstance(value, str) and key not in FREE_TEXT and CODE.fullmatch(value):
        return NOT_SHOWN
    return str(value)


def _who(row):
    return row.actor.full_name if row.actor else _("The system")


def _what(record, row, values, gone):
    text = record.describe(row.row_id, values)
    url = None
    if record.link is not None and not gone:
        try:
            url = record.link(row.row_id, values)
        except BuildError:  # a page that is not there (yet): the words without a link
            url = None
    if url:
        return Markup('<a href="%s">%s</a>') % (url, text), url
    return escape(text), None


def _sentence(template, **values):
    """A translated sentence with its values escaped (names are typed by people)."""
    return Markup(escape(template)) % {k: v if isinstance(v, Markup) else escape(v)
                                       for k, v in values.items()}


def _changes(table, row, record):
    before, after = row.before or {}, row.after or {}
    out = []
    for key in sorted(set(before) | set(after)):
        if key in HIDDEN or before.get(key) == after.get(key):
            continue
        out.append(Change(field_label(key, record.fields),
                          value_words(table, key, before.get(key), record),
                          value_words(table, key, after.get(key), record)))
    return out


def describe_row(row, values, gone=False):
    """The Line of one audit row; `values` are the record's stored values as the log knows
    them (its first snapshot with this row's changes over it); `gone`: the record was deleted
    since (no link)."""
    record = _record(row.table_name)
    who = _who(row)
    what, url = _what(record, row, values, gone)
    if row.action == "insert":
        template = _("%(who)s recorded %(what)s.") if record.recorded else _("%(who)s added %(what)s.")
        return Line(row, _sentence(template, who=who, what=what), url=url)
    if row.action == "delete":
        return Line(row, _sentence(_("%(who)s deleted %(what)s."), who=who, what=what))
    changes = _changes(row.table_name, row, record)
    if len(changes) != 1:
        return Line(row, _sentence(_("%(who)s changed %(what)s:"), who=who, what=what),
                    changes=changes, url=url)
    change = changes[0]
    common = {"who": who, "what": what, "field": change.field}
    if NOT_SHOWN in (change.old, change.new):
        sentence = _sentence(_("%(who)s changed the %(field)s of %(what)s."), **common)
    elif change.old is None:
        sentence = _sentence(_("%(who)s set the %(field)s of %(what)s to %(new)s."),
                             new=change.new, **common)
    elif change.new is None:
        sentence = _sentence(_("%(who)s cleared the %(field)s of %(what)s (it was %(old)s)."),
                             old=change.old, **common)
    else:
        sentence = _sentence(_("%(who)s changed the %(field)s of %(what)s from %(old)s to %(new)s."),
                             old=change.old, new=change.new, **common)
    return Line(row, sentence, url=url)


def _first_snapshots(rows):
    """({(table, row id): the values its insert stored}, {(table, row id) deleted since}), for
    the records of `rows` (one query)."""
    keys = {(row.table_name, row.row_id) for row in rows if row.row_id is not None}
    if not keys:
        return {}, set()
    query = (select(AuditLog.action, AuditLog.table_name, AuditLog.row_id, AuditLog.after)
             .where(AuditLog.action.in_(("insert", "delete")),
                    tuple_(AuditLog.table_name, AuditLog.row_id).in_(sorted(keys))))
    first, deleted = {}, set()
    for action, table, row_id, after in db.session.execute(query):
        if action == "insert":
            first[(table, row_id)] = after or {}
        else:
            deleted.add((table, row_id))
    return first, deleted


def history(rows):
    """The Lines of a page of audit rows, in their order; a record deleted since is linked
    from none (its page is gone)."""
    first, deleted = _first_snapshots(rows)
    lines = []
    for row in rows:
        values = dict(first.get((row.table_name, row.row_id), {}))
        values.update(row.before if row.action == "delete" else (row.after or {}))
        lines.append(describe_row(row, values, gone=(row.table_name, row.row_id) in deleted))
    return lines


ROW_NUMBER = re.compile(r"#?\s*(\d{1,9})")


def find_records(cooperative_id, tables, text):
    """{table: [row ids]} of the records a person means by `text` (a number or a name, as the
    tables' packages find them; "#12" or "12" is also row 12 of a table chosen alone)."""
    text = " ".join(text.split())
    found = {}
    for name in tables:
        record = registry().audit_records.get(name)
        ids = set(record.find(cooperative_id, text)) if record and record.find else set()
        number = ROW_NUMBER.fullmatch(text)
        if number and len(tables) == 1:
            ids.add(int(number.group(1)))
        if ids:
            found[name] = sorted(ids)
    return found
