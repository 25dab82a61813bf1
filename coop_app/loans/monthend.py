"""Loan month-end: days past due, kolektibilitas, provisions (PPAP) and late charges for
every loan of a cooperative, set-based, once a month.

One GROUP BY over the open instalments gives each loan its days past due and its overdue
amounts as of the month's last day; the pure rules in quality.py turn them into a class, a
required provision and a late charge; one executemany writes the loans back, one entry
(per-loan lines on the allowance against provision expense) posts the change of provision,
and the classes that changed are recorded as LoanEvents. The loan_month_end_runs row and the
entry's key make a second run of the same month post nothing.

"As of the month's last day": an instalment settled after it still counts as unpaid then,
for its whole amount. Late days are charged from the day after an instalment's
late_charged_through (a payment may have charged some already, late_charges.py) and it moves
to the month's last day, so a day is never charged twice; a fixed charge is charged once.
Eligible collateral is the loan's collateral_value plus its pledged savings. Late charges
accrue on loan.penalty_due and are recognised when paid (a sharia product's ta'zir then goes
to the social fund).
"""
import json
from datetime import timedelta
from functools import lru_cache

from babel.dates import format_date
from flask_babel import format_date as flask_format_date, get_locale, lazy_gettext as _l
from sqlalchemy import (BigInteger, Integer, and_, case, cast, func, literal, or_, select,
                        type_coerce)
from sqlalchemy.exc import IntegrityError

from coop_app.cooperatives.service import today_of
from coop_app.audit.hooks import current_actor_id
from coop_app.cooperatives.models import utcnow
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import EntrySpec, Line, check_open, post_entries_batch
from coop_app.ledger.service import account_by_key, month_end
from coop_app.registry import MonthEndStep
from coop_app.money import format_money, from_sen
from coop_app.loans import quality
from coop_app.loans.models import ACTIVE, Loan, LoanInstallment, LoanMonthEndRun, LoanProduct

ENTRY_KIND = "loan_month_end"
QUALITY_CHANGED = "quality_changed"


def month_key(period_end):
    return f"loan-month-end:{period_end:%Y-%m}"


def runs(cooperative_id, limit=24):
    return db.session.execute(
        select(LoanMonthEndRun).where(LoanMonthEndRun.cooperative_id == cooperative_id)
        .order_by(LoanMonthEndRun.period_end.desc()).limit(limit)).scalars().all()


def summary(run):
    """One line for a flash message or the CLI, in the reader's language."""
    month = flask_format_date(run.period_end, "MMMM yyyy")
    if getattr(run, "replayed", False):
        return _l("The loan month-end for %(month)s was already run.", month=month)
    return _l("Loan month-end for %(month)s: %(loans)s loan(s), provisions %(before)s -> %(after)s, "
              "late charges %(charges)s.", month=month, loans=run.loans,
              before=_rupiah(run.provision_before), after=_rupiah(run.provision_after),
              charges=_rupiah(run.late_charges))


def report_line(run):
    """The CLI's line (English, like the other lines of `flask coop month-end`)."""
    if getattr(run, "replayed", False):
        return "already run"
    entry = f", entry #{run.entry_id}" if run.entry_id else ""
    return (f"{run.loans} loan(s), provisions {format_money(run.provision_before, 'en')} -> "
            f"{format_money(run.provision_after, 'en')}, late charges "
            f"{format_money(run.late_charges, 'en')}{entry}")


def _rupiah(amount):
    return format_money(amount, str(get_locale() or "id"))


# -- the month's figures per loan (SQL) ----------------------------------------------------

def _days_between(later, earlier):
    if db.session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier  # PostgreSQL: date - date is a whole number of days


def _sen(column):
    return type_coerce(column, BigInteger)


def _overdue_at(li, end):
    """Instalments unpaid at `end` and due before it (of the current schedules)."""
    return and_(li.c.superseded.is_(False), li.c.due_date < end,
                or_(li.c.paid_on.is_(None), li.c.paid_on > end))


def overdue_by_loan(cooperative_id, period_end):
    """A subquery: per loan with an instalment unpaid at `period_end` and due before it,
    the days past due, the sum of unpaid sen x the days late up to `period_end` not charged
    yet (from the day after its late_charged_through, or after its due date), and the number
    of such instalments never charged before (a fixed charge is charged once)."""
    li = LoanInstallment.__table__
    end = literal(period_end, li.c.due_date.type)
    unpaid = case(
        (li.c.paid_on.is_(None), _sen(li.c.principal) - _sen(li.c.paid_principal)
         + _sen(li.c.interest) - _sen(li.c.paid_interest) - _sen(li.c.waived_interest)),
        else_=_sen(li.c.principal) + _sen(li.c.interest) - _sen(li.c.waived_interest))
    # The month charges its own days: from the day after the latest of the due date, the day
    # charged through and the last day of the month before.
    before = literal(quality.month_start(period_end) - timedelta(days=1), li.c.due_date.type)
    latest = case((li.c.due_date > before, li.c.due_date), else_=before)
    charged_through = case((li.c.late_charged_through > latest, li.c.late_charged_through), else_=latest)
    days_uncharged = case((charged_through < end, _days_between(end, charged_through)), else_=0)
    return (select(li.c.loan_id,
                   func.max(_days_between(end, li.c.due_date)).label("days_past_due"),
                   func.sum(unpaid * days_uncharged).label("sen_days"),
                   func.sum(case((li.c.late_charged_through.is_(None), 1), else_=0)).label("uncharged_count"))
            .where(li.c.cooperative_id == cooperative_id, _overdue_at(li, end))
            .group_by(li.c.loan_id).subquery())


def _mark_charged(cooperative_id, period_end):
    """The overdue instalments of the loans the run charged are charged up to `period_end`."""
    li, ln = LoanInstallment.__table__, Loan.__table__
    end = literal(period_end, li.c.due_date.type)
    charged = select(ln.c.id).where(ln.c.cooperative_id == cooperative_id, ln.c.status == ACTIVE,
                                     ln.c.disbursed_on <= end)
    db.session.execute(
        li.update().where(li.c.cooperative_id == cooperative_id, _overdue_at(li, end),
                          or_(li.c.late_charged_through.is_(None), li.c.late_charged_through < end),
                          li.c.loan_id.in_(charged))
        .values(late_charged_through=end))


def held_by_restructuring(cooperative_id, period_end):
    """A subquery: per restructured loan, the instalments of its current schedule, and how
    many of the latest ones due by `period_end` (at most quality.HOLD_RELEASED_AFTER) were
    each paid by its due date."""
    li, ln = LoanInstallment.__table__, Loan.__table__
    end = literal(period_end, li.c.due_date.type)
    # From the few held loans to their instalments (by the loan's index), never the reverse.
    held = (select(ln.c.id, ln.c.schedule_version)
            .where(ln.c.cooperative_id == cooperative_id, ln.c.restructured_class.is_not(None))
            .subquery())
    current = and_(li.c.loan_id == held.c.id, li.c.version == held.c.schedule_version)
    schedules = (select(held.c.id.label("loan_id"), func.count().label("instalments"))
                 .select_from(held).join(li, current).group_by(held.c.id).subquery())
    latest_due = (select(held.c.id.label("loan_id"), li.c.due_date, li.c.paid_on, func.row_number().over(
                      partition_by=held.c.id, order_by=li.c.n.desc()).label("latest"))
                  .select_from(held).join(li, current).where(li.c.due_date <= end).subquery())
    paid_on_time = and_(latest_due.c.paid_on.is_not(None), latest_due.c.paid_on <= latest_due.c.due_date,
                        latest_due.c.paid_on <= end)
    on_time = (select(latest_due.c.loan_id, func.sum(case((paid_on_time, 1), else_=0)).label("on_time"))
               .where(latest_due.c.latest <= quality.HOLD_RELEASED_AFTER)
               .group_by(latest_due.c.loan_id).subquery())
    return (select(schedules.c.loan_id, schedules.c.instalments,
                   func.coalesce(on_time.c.on_time, 0).label("on_time"))
            .outerjoin(on_time, on_time.c.loan_id == schedules.c.loan_id).subquery())


def _book(cooperative_id, period_end):
    """Every loan the run looks at: active ones disbursed by `period_end`, and closed ones
    still holding a provision (to release it)."""
    ln, pr = Loan.__table__, LoanProduct.__table__
    od = overdue_by_loan(cooperative_id, period_end)
    hd = held_by_restructuring(cooperative_id, period_end)
    active = and_(ln.c.status == ACTIVE, ln.c.disbursed_on <= period_end)
    return db.session.execute(
        select(ln.c.id, ln.c.member_id, active.label("active"), _sen(ln.c.principal_outstanding),
               _sen(ln.c.collateral_value) + _sen(ln.c.pledged_amount), _sen(ln.c.provision),
               _sen(ln.c.penalty_due), ln.c.quality, ln.c.days_past_due,
               pr.c.dpk_from_days, pr.c.kl_from_days, pr.c.diragukan_from_days, pr.c.macet_from_days,
               pr.c.provision_lancar_bp, pr.c.provision_dpk_bp, pr.c.provision_kl_bp,
               pr.c.provision_diragukan_bp, pr.c.provision_macet_bp,
               pr.c.late_charge_kind, pr.c.late_charge_daily_bp, _sen(pr.c.late_charge_fixed),
               func.coalesce(od.c.days_past_due, 0), func.coalesce(od.c.sen_days, 0),
               func.coalesce(od.c.uncharged_count, 0),
               ln.c.restructured_class, func.coalesce(hd.c.on_time, 0), func.coalesce(hd.c.instalments, 0))
        .join(pr, pr.c.id == ln.c.product_id).outerjoin(od, od.c.loan_id == ln.c.id)
        .outerjoin(hd, hd.c.loan_id == ln.c.id)
        .where(ln.c.cooperative_id == cooperative_id, or_(active, ln.c.provision != 0))
        .order_by(ln.c.id)).all()


@lru_cache(maxsize=256)
def _terms(dpk, kl, diragukan, macet, *rates_bp):
    return quality.Bands(dpk, kl, diragukan, macet), quality.ProvisionRates(*rates_bp)


def assess(row):
    """(days past due, class, required provision sen, late charge sen) of one `_book` row."""
    (_id, _member, active, outstanding, collateral, _provision, _penalty, _quality, _dpd,
     *terms, late_kind, daily_bp, fixed, dpd, sen_days, uncharged_count, held, on_time,
     instalments) = row
    if not active:
        return 0, None, 0, 0
    bands, rates = _terms(*terms)
    dpd = max(int(dpd), 0)
    klass = quality.held_class(quality.classify(dpd, bands), held, int(on_time), int(instalments))
    required = quality.required_provision_sen(outstanding, klass, collateral, rates)
    charge = 0
    if late_kind == quality.LATE_DAILY:
        charge = quality.share_sen(int(sen_days), daily_bp)
    elif late_kind == quality.LATE_FIXED:
        charge = fixed * int(uncharged_count)
    return dpd, klass, required, charge


# -- running a month -----------------------------------------------------------------------

def _done(cooperative_id, period_end):
    run = db.session.execute(select(LoanMonthEndRun).where(
        LoanMonthEndRun.cooperative_id == cooperative_id,
        LoanMonthEndRun.period_end == period_end)).scalar_one_or_none()
    if run is not None:
        run.replayed = True
    return run


def _check_period(cooperative_id, period_end, today):
    if period_end >= (today or today_of(cooperative_id)):
        raise DomainError(_l("The month of %(date)s has not ended yet.", date=period_end.isoformat()))
    check_open(cooperative_id, period_end)
    latest = db.session.execute(select(func.max(LoanMonthEndRun.period_end)).where(
        LoanMonthEndRun.cooperative_id == cooperative_id)).scalar()
    if latest is not None and latest > period_end:
        raise DomainError(_l("The loan month-end of a later month (%(date)s) was already run; "
                             "months are run in order.", date=latest.isoformat()))


def run_loan_month_end(cooperative_id, period_end, user_id, today=None):
    """Age, classify and provision every loan of a cooperative for the month of
    `period_end` (any day of it), and charge late fees. Returns the LoanMonthEndRun, with
    `replayed` set when the month had already been run (then nothing is posted)."""
    period_end = month_end(period_end)
    done = _done(cooperative_id, period_end)
    if done is not None:
        return done
    _check_period(cooperative_id, period_end, today)
    db.session.flush()
    # Hold the loans (PostgreSQL) so no repayment slips in between the computation and the
    # update, and a second run of the month waits here and then finds the first; SQLite's
    # write transaction already holds the database.
    db.session.execute(select(Loan.id).where(
        Loan.cooperative_id == cooperative_id, or_(Loan.status == ACTIVE, Loan.provision != 0))
        .order_by(Loan.id).with_for_update())
    done = _done(cooperative_id, period_end)
    if done is not None:
        return done

    changes, deltas, events, audit = [], [], [], []
    before_total = after_total = charges_total = count = 0
    released = []
    for row in _book(cooperative_id, period_end):
        loan_id, member_id, active, provision, penalty, old_class, old_dpd = (
            row[0], row[1], row[2], row[5], row[6], row[7], row[8])
        dpd, klass, required, charge = assess(row)
        if active and quality.hold_released(*row[-3:]):
            released.append((loan_id, row[-3]))
        count += 1 if active else 0
        before_total += provision
        after_total += required
        charges_total += charge
        if not active:
            dpd, klass = old_dpd, old_class
        if (dpd, klass, required, charge) == (old_dpd, old_class, provision, 0):
            continue
        changes.append((dpd, klass, required, charge, loan_id))
        if required != provision:
            deltas.append((loan_id, member_id, required - provision))
        if klass != old_class:
            events.append((loan_id, old_class, klass, dpd))
        audit.append((loan_id, {"days_past_due": old_dpd, "quality": old_class,
                                "provision": str(from_sen(provision)), "penalty_due": str(from_sen(penalty))},
                      {"days_past_due": dpd, "quality": klass, "provision": str(from_sen(required)),
                       "penalty_due": str(from_sen(penalty + charge))}))

    entry_id = _post(cooperative_id, period_end, deltas, user_id) if deltas else None
    _write_loans(changes)
    _mark_charged(cooperative_id, period_end)
    _release_holds(released)
    audit += [(loan_id, {"restructured_class": held}, {"restructured_class": None})
              for loan_id, held in released]
    _record(cooperative_id, period_end, user_id, entry_id, events, audit)
    try:
        # A savepoint: a run of the same month committed meanwhile loses here cleanly.
        with db.session.begin_nested():
            run = LoanMonthEndRun(
                cooperative_id=cooperative_id, period_end=period_end, loans=count,
                provision_before=from_sen(before_total), provision_after=from_sen(after_total),
                late_charges=from_sen(charges_total), entry_id=entry_id, run_by=user_id)
            db.session.add(run)
    except IntegrityError:
        raise DomainError(_l("The loan month-end for this month is being run by someone else; "
                             "try again.")) from None
    run.replayed = False
    for obj in list(db.session.identity_map.values()):  # loaded loans now hold stale figures
        if isinstance(obj, Loan):
            db.session.expire(obj, ["days_past_due", "quality", "provision", "penalty_due",
                                    "restructured_class"])
        elif isinstance(obj, LoanInstallment):
            db.session.expire(obj, ["late_charged_through"])
    return run


def _post(cooperative_id, period_end, deltas, user_id):
    """The change of provision: a credit (more allowance) or debit per loan on the
    allowance, the net against provision expense."""
    allowance = account_by_key(cooperative_id, "loan_allowance").id
    expense = account_by_key(cooperative_id, "provision_expense").id
    lines = [Line(allowance, -from_sen(delta), member_id=member_id, loan_id=loan_id)
             for loan_id, member_id, delta in deltas]
    net = sum(delta for _loan, _member, delta in deltas)
    if net:
        lines.append(Line(expense, from_sen(net)))
    key = month_key(period_end)
    memo = f"Penyisihan PPAP {format_date(period_end, 'MMMM yyyy', locale='id')}"
    post_entries_batch(cooperative_id, [EntrySpec(
        entry_date=period_end, kind=ENTRY_KIND, memo=memo, lines=lines, idempotency_key=key,
        created_by=user_id)])
    # The id alone: find_by_key would load the entry with its (many) lines.
    return db.session.execute(select(JournalEntry.id).where(
        JournalEntry.cooperative_id == cooperative_id, JournalEntry.idempotency_key == key)).scalar_one()


def _driver_sql(conn, sql):
    return sql if conn.dialect.paramstyle == "qmark" else sql.replace("?", "%s")


def _write_loans(changes):
    if not changes:
        return
    conn = db.session.connection()
    conn.exec_driver_sql(_driver_sql(conn,
        "UPDATE loans SET days_past_due = ?, quality = ?, provision = ?,"
        " penalty_due = penalty_due + ? WHERE id = ?"), changes)


def _release_holds(released):
    """Restructured loans whose new instalments were paid on time are classed by their own
    arrears from now on."""
    if released:
        conn = db.session.connection()
        conn.exec_driver_sql(_driver_sql(conn, "UPDATE loans SET restructured_class = NULL WHERE id = ?"),
                             [(loan_id,) for loan_id, _held in released])


def _record(cooperative_id, period_end, user_id, entry_id, events, audit):
    """The quality changes as LoanEvents and the loans' changes in the audit trail, straight
    to the driver (values already plain: dates and times as text, details as JSON)."""
    conn = db.session.connection()
    now, day = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f"), period_end.isoformat()
    if events:
        conn.exec_driver_sql(_driver_sql(conn,
            "INSERT INTO loan_events (cooperative_id, loan_id, kind, event_date, user_id, entry_id,"
            " note, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            [(cooperative_id, loan_id, QUALITY_CHANGED, day, user_id, entry_id, f"{old} -> {new}",
              json.dumps({"from": old, "to": new, "days_past_due": dpd}), now)
             for loan_id, old, new, dpd in events])
    if audit:
        actor = current_actor_id() or user_id
        conn.exec_driver_sql(_driver_sql(conn,
            "INSERT INTO audit_log (cooperative_id, actor_id, at, action, table_name, row_id, before,"
            " after) VALUES (?, ?, ?, 'update', 'loans', ?, ?, ?)"),
            [(cooperative_id, actor, now, loan_id, json.dumps(before), json.dumps(after))
             for loan_id, before, after in audit])


# The loans' part of the month-end (closing.monthend runs it after the savings month-end).
MONTH_END_STEP = MonthEndStep("loans", run_loan_month_end, summary, report_line)
