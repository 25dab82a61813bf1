"""K6 skills: members trained, the share of active members trained in twelve months,
certified members, and assistance to members' enterprises.

Every figure is set-based SQL grouped by cooperative (and the member's category and gender,
or the training type), so the month-end of 450 cooperatives costs a handful of queries.
"""
from datetime import timedelta

from sqlalchemy import func, select

from coop_app.enterprises.models import Enterprise
from coop_app.extensions import db
from coop_app.indicators.enterprise import (MEMBER_CUT_KEYS, Tally, ids_of, member_cut_condition,
                                            member_cuts)
from coop_app.indicators.figures import ALL, cut
from coop_app.indicators.people import active_at, sen
from coop_app.members.models import CANCELLED, Member
from coop_app.trainings.models import TRAINING_TYPES, Assistance, Training, TrainingParticipant

TRAINED_CUT_KEYS = MEMBER_CUT_KEYS + tuple(cut("training", t) for t in TRAINING_TYPES)


def twelve_months_to(t):
    """The first day of the twelve months ending at t (1 Dec 2025 for 30 Nov 2026)."""
    try:
        year_before = t.replace(year=t.year - 1)
    except ValueError:  # 29 February
        year_before = t.replace(year=t.year - 1, day=28)
    return year_before + timedelta(days=1)


def _attended(ids, start, end, certified=False):
    """The members (a column `member_id`) who attended a training held from `start` to `end`
    (`start` None: any time up to `end`), certified there if asked."""
    held = [Training.held_on <= end] + ([Training.held_on >= start] if start else [])
    query = (select(TrainingParticipant.member_id)
             .join(Training, Training.id == TrainingParticipant.training_id)
             .where(TrainingParticipant.cooperative_id.in_(ids), *held))
    if certified:
        query = query.where(TrainingParticipant.certified.is_(True))
    return query.distinct()


def _trained(ids, period):
    """Members (not cancelled) trained in P, by cooperative, category and gender."""
    trained = _attended(ids, period.start, period.end).subquery("trained")
    return (select(Member.cooperative_id, Member.category, Member.gender, func.count())
            .join(trained, trained.c.member_id == Member.id)
            .where(Member.status != CANCELLED)
            .group_by(Member.cooperative_id, Member.category, Member.gender))


def _trained_by_type(ids, period):
    """Members (not cancelled) trained in P, by cooperative and training type."""
    return (select(Member.cooperative_id, Training.training_type,
                   func.count(func.distinct(Member.id)))
            .select_from(TrainingParticipant)
            .join(Training, Training.id == TrainingParticipant.training_id)
            .join(Member, Member.id == TrainingParticipant.member_id)
            .where(TrainingParticipant.cooperative_id.in_(ids), Member.status != CANCELLED,
                   Training.held_on >= period.start, Training.held_on <= period.end)
            .group_by(Member.cooperative_id, Training.training_type))


def _active_trained_certified(ids, t):
    """Active members at t; those trained in the twelve months to t; those certified by t."""
    recent = _attended(ids, twelve_months_to(t), t).subquery("recent")
    certified = _attended(ids, None, t, certified=True).subquery("certified")
    return (select(Member.cooperative_id, Member.category, Member.gender, func.count(),
                   func.count(recent.c.member_id), func.count(certified.c.member_id))
            .outerjoin(recent, recent.c.member_id == Member.id)
            .outerjoin(certified, certified.c.member_id == Member.id)
            .where(Member.cooperative_id.in_(ids), active_at(t))
            .group_by(Member.cooperative_id, Member.category, Member.gender))


def _assisted(ids, period):
    """Per member's enterprise assisted in P: the value given (sen)."""
    return (select(Assistance.enterprise_id, func.sum(sen(Assistance.value)).label("value"))
            .where(Assistance.cooperative_id.in_(ids), Assistance.given_on >= period.start,
                   Assistance.given_on <= period.end)
            .group_by(Assistance.enterprise_id).subquery("assisted"))


def _assistance(ids, period):
    assisted = _assisted(ids, period)
    return (select(Enterprise.cooperative_id, Member.category, Member.gender, func.count(),
                   func.sum(assisted.c.value))
            .select_from(assisted)
            .join(Enterprise, Enterprise.id == assisted.c.enterprise_id)
            .join(Member, Member.id == Enterprise.member_id)
            .where(Member.status != CANCELLED)
            .group_by(Enterprise.cooperative_id, Member.category, Member.gender))


def figures(cooperative_ids, period):
    """Every K6 figure of `cooperative_ids` for `period`, for each indicator's cuts."""
    ids = ids_of(cooperative_ids)
    tally = Tally(ids)
    for coop, category, gender, trained in db.session.execute(_trained(ids, period)):
        tally.add(coop, "k6_trained", member_cuts(category, gender), trained)
    for coop, training_type, trained in db.session.execute(_trained_by_type(ids, period)):
        tally.add(coop, "k6_trained", (cut("training", training_type),), trained)
    for coop, category, gender, active, recent, certified in db.session.execute(
            _active_trained_certified(ids, period.end)):
        cuts = member_cuts(category, gender)
        tally.add(coop, "k6_trained_share", cuts, recent, active)
        tally.add(coop, "k6_certified", cuts, certified)
    for coop, category, gender, assisted, value in db.session.execute(_assistance(ids, period)):
        tally.add(coop, "k6_assistance", member_cuts(category, gender), value, assisted)
    return [*tally.figures("k6_trained", TRAINED_CUT_KEYS, with_denominator=False),
            *tally.figures("k6_trained_share", MEMBER_CUT_KEYS),
            *tally.figures("k6_certified", MEMBER_CUT_KEYS, with_denominator=False),
            *tally.figures("k6_assistance", MEMBER_CUT_KEYS)]


def behind(indicator, cut, cooperative_ids, period):
    """A select of the ids (labelled `id`) behind one figure: members (count == numerator),
    or for assistance the enterprises given a non-zero value."""
    ids, key, t = ids_of(cooperative_ids), cut or ALL, period.end
    if indicator == "k6_trained" and key.startswith("training:"):
        training_type = key.partition(":")[2]
        if training_type not in TRAINING_TYPES:
            raise KeyError(key)
        return (select(Member.id.label("id")).distinct()
                .join(TrainingParticipant, TrainingParticipant.member_id == Member.id)
                .join(Training, Training.id == TrainingParticipant.training_id)
                .where(TrainingParticipant.cooperative_id.in_(ids), Member.status != CANCELLED,
                       Training.training_type == training_type,
                       Training.held_on >= period.start, Training.held_on <= t))
    condition = member_cut_condition(key)
    members = select(Member.id.label("id")).where(Member.cooperative_id.in_(ids), condition)
    if indicator == "k6_trained":
        trained = _attended(ids, period.start, t).subquery("trained")
        return members.join(trained, trained.c.member_id == Member.id).where(Member.status != CANCELLED)
    if indicator == "k6_trained_share":
        recent = _attended(ids, twelve_months_to(t), t).subquery("recent")
        return members.join(recent, recent.c.member_id == Member.id).where(active_at(t))
    if indicator == "k6_certified":
        certified = _attended(ids, None, t, certified=True).subquery("certified")
        return members.join(certified, certified.c.member_id == Member.id).where(active_at(t))
    if indicator == "k6_assistance":
        assisted = _assisted(ids, period)
        return (select(Enterprise.id.label("id"))
                .join(assisted, assisted.c.enterprise_id == Enterprise.id)
                .join(Member, Member.id == Enterprise.member_id)
                .where(Member.status != CANCELLED, condition, assisted.c.value != 0))
    raise KeyError((indicator, key))
