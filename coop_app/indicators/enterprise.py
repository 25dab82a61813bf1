"""K3 productive entrepreneurs, K4 enterprise turnover and net income, K5 jobs in the village.

An enterprise is active at t when it had started by t, had not closed by t (closed_on after t
or none) and its owner is a member (not a cancelled registration). Every figure is set-based
SQL grouped by cooperative (and the owner's category and gender), so the month-end of 450
cooperatives costs the same handful of queries as one; Python only adds group rows into cuts.
"""
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import and_, case, func, literal, not_, or_, select, true
from sqlalchemy.orm import aliased

from coop_app.enterprises.models import WORKER_COLUMNS, WORKER_KINDS, Enterprise, EnterpriseReport
from coop_app.extensions import db
from coop_app.indicators.capital import productive_book
from coop_app.indicators.figures import ALL, Figure, cut
from coop_app.indicators.people import active_at as active_member
from coop_app.indicators.people import sen
from coop_app.loans.models import PRODUCTIVE
from coop_app.members.models import CANCELLED, CATEGORIES, GENDERS, Member

# The cuts of figures about members or their enterprises (by the owner's category and gender).
MEMBER_CUT_KEYS = ((ALL,) + tuple(cut("category", c) for c in CATEGORIES)
                   + tuple(cut("gender", g) for g in GENDERS))
# K5's cuts: by kind of work, kind and gender, and gender of the people working.
WORK_CUT_KEYS = ((ALL,) + tuple(cut("work", k) for k in WORKER_KINDS)
                 + tuple(cut("work", k, g) for k in WORKER_KINDS for g in GENDERS)
                 + tuple(cut("gender", g) for g in GENDERS))

K3_SHARES = ("k3_entrepreneurs", "k3_with_productive_loan")
K3_COUNTS = ("k3_new_enterprises", "k3_ovop")
K4_MEANS = ("k4_turnover", "k4_net_income")
K5 = ("k5_jobs", "k5_net_jobs")


def ids_of(cooperative_ids):
    """A list usable in IN (...): never empty, so an empty scope matches nothing."""
    ids = [cooperative_ids] if isinstance(cooperative_ids, int) else list(cooperative_ids)
    return ids or [-1]


def enterprise_active(t):
    """Enterprise rows trading at t (the owner's membership is checked by the caller's join)."""
    return and_(Enterprise.start_date <= t,
                or_(Enterprise.closed_on.is_(None), Enterprise.closed_on > t))


def member_cuts(category, gender):
    """The cuts a member (or their enterprise) counts in."""
    return (ALL, cut("category", category), cut("gender", gender))


def member_cut_condition(key):
    """The condition on Member of one member cut; KeyError for a cut it does not have."""
    dimension, _, value = (key or ALL).partition(":")
    if dimension == ALL:
        return true()
    if dimension == "category" and value in CATEGORIES:
        return Member.category == value
    if dimension == "gender" and value in GENDERS:
        return Member.gender == value
    raise KeyError(key)


class Tally:
    """Numerators and denominators being summed from group rows, per cooperative and cut."""

    def __init__(self, cooperative_ids):
        self.ids = ids_of(cooperative_ids)
        self.sums = defaultdict(lambda: [0, 0])

    def add(self, cooperative_id, indicator, cuts, numerator, denominator=0):
        for key in cuts:
            sums = self.sums[(cooperative_id, indicator, key)]
            sums[0] += int(numerator or 0)
            sums[1] += int(denominator or 0)

    def figures(self, indicator, cuts, with_denominator=True):
        """A figure for every cooperative and cut, zeros included (a zero is stored, not
        missing)."""
        for cooperative_id in self.ids:
            if cooperative_id == -1:
                continue
            for key in cuts:
                numerator, denominator = self.sums.get((cooperative_id, indicator, key), (0, 0))
                yield Figure(cooperative_id, indicator, key, numerator,
                             denominator if with_denominator else None)


def productive_borrowers(ids, t):
    """The members with productive credit outstanding at t (a column `member_id`): the
    productive loans on K1's book at t (capital.py, from the books as the portfolio computes
    it), so K1's productive borrowers and K3's entrepreneurs with productive credit agree."""
    loans = productive_book(ids, t)
    return (select(loans.c.member_id)
            .where(loans.c.purpose_kind.in_(PRODUCTIVE), loans.c.outstanding > 0).distinct())


# -- K3 -----------------------------------------------------------------------------------

def _owners(ids, t):
    """The members owning at least one enterprise active at t (a column `member_id`)."""
    return (select(Enterprise.member_id).where(Enterprise.cooperative_id.in_(ids), enterprise_active(t))
            .distinct().subquery("owners"))


def _entrepreneurs(ids, t):
    """Active members at t with: owning an active enterprise, and also productive credit."""
    owners = _owners(ids, t)
    borrowers = productive_borrowers(ids, t).subquery("borrowers")
    owner = owners.c.member_id.is_not(None)
    return (select(Member.cooperative_id, Member.category, Member.gender, func.count(),
                   func.count(case((owner, 1))),
                   func.count(case((and_(owner, borrowers.c.member_id.is_not(None)), 1))))
            .outerjoin(owners, owners.c.member_id == Member.id)
            .outerjoin(borrowers, borrowers.c.member_id == Member.id)
            .where(Member.cooperative_id.in_(ids), active_member(t))
            .group_by(Member.cooperative_id, Member.category, Member.gender))


# -- each enterprise: K3's counts, K4 and K5 in one pass -------------------------------------

def _report_sums(ids, period):
    """Per enterprise, in one pass over its reports up to t: the period start of its latest
    report by t and by the day before P, and what it reported for months or quarters lying
    inside P. The reports of one enterprise never overlap (enterprises/reports.py refuses
    it), so the latest to end is the latest to start, and a period start names one report
    (found through the index that begins with enterprise_id and holds period_start)."""
    r = EnterpriseReport
    before = period.start - timedelta(days=1)
    inside = r.period_start >= period.start
    return (select(r.enterprise_id, func.max(r.period_start).label("start_now"),
                   func.max(case((r.period_end <= before, r.period_start))).label("start_before"),
                   func.count(case((inside, 1))).label("inside"),
                   func.sum(case((inside, sen(r.turnover)), else_=0)).label("turnover"),
                   func.sum(case((inside, sen(r.net_income)), else_=0)).label("net_income"))
            .where(r.cooperative_id.in_(ids), r.period_end <= period.end)
            .group_by(r.enterprise_id).subquery("sums"))


def _per_enterprise(ids, period):
    """One row per member's enterprise (the owner not cancelled) started by t: started in
    P, OVOP and active at t, reporting inside P with its turnover and net income (sen), and
    the people working in it at t and on the day before P (`<column>_now`, `<column>_before`,
    0 when not active that day): from its latest report by that day, or, with none, its
    registered workers as owners of the owner's gender."""
    t, before = period.end, period.start - timedelta(days=1)
    sums = _report_sums(ids, period)
    now, then = aliased(EnterpriseReport, name="now"), aliased(EnterpriseReport, name="then")
    columns = [
        Enterprise.id, Enterprise.cooperative_id, Member.category, Member.gender,
        case((Enterprise.start_date >= period.start, 1), else_=0).label("started"),
        case((and_(Enterprise.is_ovop.is_(True), enterprise_active(t)), 1), else_=0).label("ovop"),
        case((sums.c.inside > 0, 1), else_=0).label("reporting"),
        func.coalesce(sums.c.turnover, 0).label("turnover"),
        func.coalesce(sums.c.net_income, 0).label("net_income")]
    for day, report, suffix in ((t, now, "now"), (before, then, "before")):
        for (kind, gender), column in WORKER_COLUMNS.items():
            registered = (case((Member.gender == gender, Enterprise.workers), else_=0)
                          if kind == "owner" else literal(0))
            columns.append(case((not_(enterprise_active(day)), 0),
                                (report.id.is_(None), registered),
                                else_=getattr(report, column)).label(f"{column}_{suffix}"))
    return (select(*columns)
            .join(Member, Member.id == Enterprise.member_id)
            .outerjoin(sums, sums.c.enterprise_id == Enterprise.id)
            .outerjoin(now, and_(now.enterprise_id == Enterprise.id,
                                 now.period_start == sums.c.start_now))
            .outerjoin(then, and_(then.enterprise_id == Enterprise.id,
                                  then.period_start == sums.c.start_before))
            .where(Enterprise.cooperative_id.in_(ids), Member.status != CANCELLED,
                   Enterprise.start_date <= t)
            .subquery("per_enterprise"))


def work_columns(key):
    """The worker columns one K5 cut adds up; KeyError for a cut it does not have."""
    parts = (key or ALL).split(":")
    if parts == [ALL]:
        return list(WORKER_COLUMNS.values())
    if parts[0] == "work" and len(parts) in (2, 3) and parts[1] in WORKER_KINDS:
        genders = GENDERS if len(parts) == 2 else [g for g in GENDERS if g == parts[2]]
        if genders:
            return [WORKER_COLUMNS[(parts[1], g)] for g in genders]
    if parts[0] == "gender" and len(parts) == 2 and parts[1] in GENDERS:
        return [WORKER_COLUMNS[(k, parts[1])] for k in WORKER_KINDS]
    raise KeyError(key)


STAFF = [f"{column}_{suffix}" for suffix in ("now", "before") for column in WORKER_COLUMNS.values()]


def _enterprise_groups(ids, period):
    """_per_enterprise summed by cooperative and the owner's category and gender."""
    rows = _per_enterprise(ids, period)
    summed = ("started", "ovop", "reporting", "turnover", "net_income", *STAFF)
    return (select(rows.c.cooperative_id, rows.c.category, rows.c.gender,
                   *(func.sum(rows.c[name]).label(name) for name in summed))
            .group_by(rows.c.cooperative_id, rows.c.category, rows.c.gender))


def _add_enterprise_groups(tally, ids, period):
    staff = defaultdict(lambda: dict.fromkeys(STAFF, 0))  # K5 is cut by the workers, not the owner
    for row in db.session.execute(_enterprise_groups(ids, period)).mappings():
        coop, cuts = row["cooperative_id"], member_cuts(row["category"], row["gender"])
        tally.add(coop, "k3_new_enterprises", cuts, row["started"])
        tally.add(coop, "k3_ovop", cuts, row["ovop"])
        tally.add(coop, "k4_turnover", cuts, row["turnover"], row["reporting"])
        tally.add(coop, "k4_net_income", cuts, row["net_income"], row["reporting"])
        for name in STAFF:
            staff[coop][name] += int(row[name] or 0)
    for coop, people in staff.items():
        for key in WORK_CUT_KEYS:
            columns = work_columns(key)
            jobs = sum(people[f"{c}_now"] for c in columns)
            tally.add(coop, "k5_jobs", (key,), jobs)
            tally.add(coop, "k5_net_jobs", (key,), jobs - sum(people[f"{c}_before"] for c in columns))


# -- the contract -------------------------------------------------------------------------

def figures(cooperative_ids, period):
    """Every K3, K4 (enterprise) and K5 figure of `cooperative_ids` for `period`, for each
    indicator's cuts."""
    ids = ids_of(cooperative_ids)
    tally = Tally(ids)
    for coop, category, gender, active, owners, with_loan in db.session.execute(
            _entrepreneurs(ids, period.end)):
        cuts = member_cuts(category, gender)
        tally.add(coop, "k3_entrepreneurs", cuts, owners, active)
        tally.add(coop, "k3_with_productive_loan", cuts, with_loan, owners)
    _add_enterprise_groups(tally, ids, period)
    result = []
    for indicator in K3_SHARES + K4_MEANS:
        result += tally.figures(indicator, MEMBER_CUT_KEYS)
    for indicator in K3_COUNTS:
        result += tally.figures(indicator, MEMBER_CUT_KEYS, with_denominator=False)
    for indicator in K5:
        result += tally.figures(indicator, WORK_CUT_KEYS, with_denominator=False)
    return result


def _entrepreneur_ids(ids, t, key):
    owners = _owners(ids, t)
    return (select(Member.id.label("id")).join(owners, owners.c.member_id == Member.id)
            .where(Member.cooperative_id.in_(ids), active_member(t), member_cut_condition(key)))


def _k5_behind(indicator, key, ids, period):
    rows = _per_enterprise(ids, period)
    columns = work_columns(key)
    now = sum((rows.c[f"{c}_now"] for c in columns), literal(0))
    before = sum((rows.c[f"{c}_before"] for c in columns), literal(0))
    change = now if indicator == "k5_jobs" else now - before
    return select(rows.c.id.label("id")).where(change != 0)


def behind(indicator, cut, cooperative_ids, period):
    """A select of the ids (labelled `id`) behind one figure: members for K3's shares
    (count == numerator), enterprises otherwise (K3's counts: count == numerator; K4's means
    and K5: the enterprises contributing a non-zero amount)."""
    ids, key, t = ids_of(cooperative_ids), cut or ALL, period.end
    if indicator in K5:
        return _k5_behind(indicator, key, ids, period)
    condition = member_cut_condition(key)
    if indicator == "k3_entrepreneurs":
        return _entrepreneur_ids(ids, t, key)
    if indicator == "k3_with_productive_loan":
        borrowers = productive_borrowers(ids, t).subquery("borrowers")
        return _entrepreneur_ids(ids, t, key).join(borrowers, borrowers.c.member_id == Member.id)
    owned = (select(Enterprise.id.label("id")).join(Member, Member.id == Enterprise.member_id)
             .where(Enterprise.cooperative_id.in_(ids), Member.status != CANCELLED, condition))
    if indicator == "k3_new_enterprises":
        return owned.where(Enterprise.start_date >= period.start, Enterprise.start_date <= t)
    if indicator == "k3_ovop":
        return owned.where(Enterprise.is_ovop.is_(True), enterprise_active(t))
    if indicator in K4_MEANS:
        rows = _per_enterprise(ids, period)
        amount = rows.c.turnover if indicator == "k4_turnover" else rows.c.net_income
        return owned.where(Enterprise.id.in_(select(rows.c.id).where(amount != 0)))
    raise KeyError((indicator, key))
