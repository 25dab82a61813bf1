"""The extension points: where a package higher up plugs into one below it, so that the
lower one never imports the higher. Every point is filled in one place, `coop_app.create_app`
(see `_fill_registry` there), in the order listed there; nothing registers itself by being
imported. docs/architecture.md lists the points and what fills them.

- reversal_handlers: journal entry kind -> function(original, reversal) that undoes the
  entry's sub-ledger change when the ledger reverses it (ledger.service.reverse_entry).
- subledger_checks: functions(cooperative_id or None) -> list of problems, run by
  check-ledger after the ledger's own checks (ledger.check.check_ledger).
- month_end_steps: what the month-end runs for a cooperative after the savings month-end,
  each in its own transaction (closing.monthend.run_steps).
- cli_commands: click commands added to `flask coop`.
- member_panels / migrant_panels: sections that products and use cases add to the member's
  and the migrant worker's page (members.views), in order.
- enterprise_panels: sections higher packages add to an enterprise's page
  (enterprises.views.detail): the assistance it received (trainings).
- entry_kinds: journal entry kind -> its Words, so that the ledger's pages name the kinds
  other packages post (ledger.labels.kind_label).
- audit_records: table -> AuditRecord, so that the audit log tells of members, accounts and
  loans in words and links each line to its record (audit.history).
- sharia_words: a message -> the message a KSPPS/BMT says instead (pembiayaan for pinjaman,
  margin for bunga, ta'zir for denda), read by every translation on a BMT's pages
  (cooperatives.words).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

EXTENSION = "coop_registry"


@dataclass(frozen=True)
class Panel:
    """A section of a page of a lower package: `template` is included with the variables
    that `context(cooperative_id, subject)` returns, under `panel.data`."""
    name: str
    template: str
    context: Callable


@dataclass(frozen=True)
class MonthEndStep:
    """One part of a month-end: `run(cooperative_id, period_end, user_id)` posts it and returns
    its result (a DomainError refuses it, and only it); `summary(result)` tells a person what
    was done (translated), `report(result)` is the command line's one-line log."""
    name: str
    run: Callable
    summary: Callable
    report: Callable


@dataclass(frozen=True)
class Words:
    """A stored code for people: `label` (translated), and `sharia` where a KSPPS/BMT says it
    in its own words (pembiayaan, not pinjaman); None: the same label."""
    label: object
    sharia: object = None

    def of(self, sharia):
        return self.sharia if sharia and self.sharia is not None else self.label


@dataclass(frozen=True)
class AuditRecord:
    """How the audit log tells of a row of one table (audit.history): `describe(row_id,
    values)` names it from its stored values ("member 2025.00026 (Siti Rahayu)", "deposit #12
    of Rp500.000 to account SS.0001"), translated and in the cooperative's words;
    `link(row_id, values)` is its page's URL or None; `find(cooperative_id, text)` the ids of
    the rows a person means by a number or a name (the log's record filter); `fields` {column:
    Words} and `values` {column: function(stored value) -> words} for the columns this table
    names its own way; `recorded`: its rows are movements ("recorded", not "added")."""
    describe: Callable
    link: Callable | None = None
    find: Callable | None = None
    fields: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    recorded: bool = False


@dataclass
class Registry:
    reversal_handlers: dict[str, Callable] = field(default_factory=dict)
    subledger_checks: list[Callable] = field(default_factory=list)
    month_end_steps: list[MonthEndStep] = field(default_factory=list)
    cli_commands: list = field(default_factory=list)
    member_panels: list[Panel] = field(default_factory=list)
    migrant_panels: list[Panel] = field(default_factory=list)
    enterprise_panels: list[Panel] = field(default_factory=list)
    entry_kinds: dict[str, Words] = field(default_factory=dict)
    audit_records: dict[str, AuditRecord] = field(default_factory=dict)
    sharia_words: dict[str, str | tuple] = field(default_factory=dict)


def registry() -> Registry:
    """The running app's registry."""
    return current_app.extensions[EXTENSION]
