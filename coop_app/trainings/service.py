"""Trainings and who attended them, and assistance given to members' enterprises.

A participant is a member of the training's cooperative who had joined by the day it was
held and had not left before it (a cancelled registration never was a member). A
certificate's number is unique within its training. Assistance goes to an enterprise of the
cooperative that was trading on the day it was given; its value is a record of the
programme's support, in sen, and posts nothing to the books."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from coop_app.cooperatives.service import today_of
from coop_app.enterprises.service import get_enterprise
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.models import CANCELLED, Member
from coop_app.trainings.models import (ASSISTANCE_KINDS, TRAINING_TYPES, Assistance, Training,
                                       TrainingParticipant)

MAX_ASSISTANCE = Decimal("10000000000")  # Rp10.000.000.000: far beyond any village grant
FIRST_DAY = date(2000, 1, 1)


@dataclass
class TrainingData:
    training_type: str
    title: str
    held_on: date
    provider: str


@dataclass
class AssistanceData:
    given_on: date
    kind: str
    description: str
    provider: str
    value: Decimal


def _day(value):
    """A date in a message, written in the language of whoever reads the message."""
    return LazyString(format_date, value, "medium")


def _text(name, value, limit, message):
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise InvalidField(name, message)
    return text


def _past_date(name, value, today):
    if not isinstance(value, date) or value < FIRST_DAY:
        raise InvalidField(name, _l("That is not a date. Use the form YYYY-MM-DD."))
    if value > today:
        raise InvalidField(name, _l("The date cannot be in the future."))
    return value


# -- trainings -----------------------------------------------------------------------------

def _clean_training(cooperative_id, data: TrainingData):
    if data.training_type not in TRAINING_TYPES:
        raise InvalidField("training_type", _l("Choose the kind of training."))
    return dict(
        training_type=data.training_type,
        title=_text("title", data.title, 200, _l("Fill in the training's title (at most 200 characters).")),
        held_on=_past_date("held_on", data.held_on, today_of(cooperative_id)),
        provider=_text("provider", data.provider, 200,
                       _l("Fill in who gave the training (at most 200 characters).")))


def create_training(cooperative_id, data: TrainingData, created_by=None):
    training = Training(cooperative_id=cooperative_id, created_by=created_by,
                        **_clean_training(cooperative_id, data))
    db.session.add(training)
    db.session.flush()
    return training


def update_training(cooperative_id, training_id, data: TrainingData):
    training = get_training(cooperative_id, training_id)
    values = _clean_training(cooperative_id, data)
    late = db.session.execute(
        select(Member.name).join(TrainingParticipant, TrainingParticipant.member_id == Member.id)
        .where(TrainingParticipant.training_id == training.id,
               (Member.join_date > values["held_on"])
               | (Member.left_on.is_not(None) & (Member.left_on <= values["held_on"])))
        .order_by(Member.name).limit(1)).scalar_one_or_none()
    if late is not None:
        raise InvalidField("held_on", _l("%(name)s, a participant, was not a member on that day.",
                                         name=late))
    for key, value in values.items():
        setattr(training, key, value)
    db.session.flush()
    return training


def get_training(cooperative_id, training_id):
    training = db.session.execute(select(Training).where(
        Training.cooperative_id == cooperative_id, Training.id == training_id)).scalar_one_or_none()
    if training is None:
        raise NotFound(_l("Training not found."))
    return training


def trainings_query(cooperative_id, training_type=None):
    """The cooperative's trainings, newest first."""
    query = select(Training).where(Training.cooperative_id == cooperative_id)
    if training_type:
        query = query.where(Training.training_type == training_type)
    return query.order_by(Training.held_on.desc(), Training.id.desc())


def participant_counts(cooperative_id, training_ids):
    """{training id: (participants, certified participants)} of a page of trainings, in one
    grouped query."""
    rows = db.session.execute(
        select(TrainingParticipant.training_id, func.count(),
               func.sum(case((TrainingParticipant.certified.is_(True), 1), else_=0)))
        .where(TrainingParticipant.cooperative_id == cooperative_id,
               TrainingParticipant.training_id.in_(list(training_ids)))
        .group_by(TrainingParticipant.training_id)).all()
    return {training_id: (count, certified) for training_id, count, certified in rows}


# -- participants --------------------------------------------------------------------------

def _participant_member(cooperative_id, member_id, member_number):
    number = (member_number or "").strip()
    if member_id is None and not number:
        raise InvalidField("member_number", _l("Type a member number or choose a member."))
    query = select(Member).where(Member.cooperative_id == cooperative_id)
    if member_id is not None:
        member = db.session.execute(query.where(Member.id == member_id)).scalar_one_or_none()
        if member is None:
            raise InvalidField("member", _l("Choose one of the listed options."))
        return member
    member = db.session.execute(query.where(Member.member_number == number)).scalar_one_or_none()
    if member is None:
        raise InvalidField("member_number", _l("No member of this cooperative has that member number."))
    return member


def _certificate(training, certified, number, participant_id=None):
    number = (number or "").strip() or None
    if not certified:
        if number:
            raise InvalidField("certificate_number", _l("Tick “certified” to record a certificate number, "
                                                        "or leave the number empty."))
        return None
    if number is None or len(number) > 60:
        raise InvalidField("certificate_number", _l("A certified participant has a certificate number "
                                                    "(at most 60 characters)."))
    query = select(TrainingParticipant.id).where(
        TrainingParticipant.training_id == training.id,
        func.lower(TrainingParticipant.certificate_number) == number.lower())
    if participant_id is not None:
        query = query.where(TrainingParticipant.id != participant_id)
    if db.session.execute(query.limit(1)).first() is not None:
        raise InvalidField("certificate_number", _l("Another participant of this training holds that "
                                                    "certificate number."))
    return number


def add_participant(cooperative_id, training_id, member_id=None, member_number=None,
                    certified=False, certificate_number=None):
    """Record that a member attended: named by their id (a pick list) or their number."""
    training = _locked_training(cooperative_id, training_id)
    member = _participant_member(cooperative_id, member_id, member_number)
    field = "member" if member_id is not None else "member_number"
    if member.status == CANCELLED:
        raise InvalidField(field, _l("%(name)s's registration was cancelled: they never were a member.",
                                     name=member.name))
    if member.join_date > training.held_on:
        raise InvalidField(field, _l("%(name)s joined on %(date)s, after the training.",
                                     name=member.name, date=_day(member.join_date)))
    if member.left_on is not None and member.left_on <= training.held_on:
        raise InvalidField(field, _l("%(name)s left the cooperative on %(date)s, before the training.",
                                     name=member.name, date=_day(member.left_on)))
    if db.session.execute(select(TrainingParticipant.id).where(
            TrainingParticipant.training_id == training.id,
            TrainingParticipant.member_id == member.id)).first() is not None:
        raise InvalidField(field, _l("%(name)s is already a participant.", name=member.name))
    participant = TrainingParticipant(
        cooperative_id=cooperative_id, training_id=training.id, member_id=member.id,
        certified=bool(certified), certificate_number=_certificate(training, certified, certificate_number))
    db.session.add(participant)
    db.session.flush()
    return participant


def update_certificate(cooperative_id, participant_id, certified, certificate_number):
    """A certificate given (or corrected) after the training."""
    participant = get_participant(cooperative_id, participant_id)
    training = _locked_training(cooperative_id, participant.training_id)
    participant.certificate_number = _certificate(training, certified, certificate_number, participant.id)
    participant.certified = bool(certified)
    db.session.flush()
    return participant


def remove_participant(cooperative_id, participant_id):
    participant = get_participant(cooperative_id, participant_id)
    training_id = participant.training_id
    db.session.delete(participant)
    db.session.flush()
    return get_training(cooperative_id, training_id)


def get_participant(cooperative_id, participant_id, training_id=None):
    query = select(TrainingParticipant).where(TrainingParticipant.cooperative_id == cooperative_id,
                                              TrainingParticipant.id == participant_id)
    if training_id is not None:
        query = query.where(TrainingParticipant.training_id == training_id)
    participant = db.session.execute(query).scalar_one_or_none()
    if participant is None:
        raise NotFound(_l("Participant not found."))
    return participant


def _locked_training(cooperative_id, training_id):
    """The training, locked: two certificates of it are checked for a clash one at a time."""
    training = db.session.execute(
        select(Training).where(Training.cooperative_id == cooperative_id, Training.id == training_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if training is None:
        raise NotFound(_l("Training not found."))
    return training


def participants(cooperative_id, training_id):
    """Rows of (TrainingParticipant, Member) of a training, by name."""
    return db.session.execute(
        select(TrainingParticipant, Member).join(Member, Member.id == TrainingParticipant.member_id)
        .where(TrainingParticipant.cooperative_id == cooperative_id,
               TrainingParticipant.training_id == training_id)
        .order_by(Member.name, Member.id)).all()


def eligible_members(cooperative_id, training):
    """Members who may still be added: members on the training's day, not yet participants."""
    already = select(TrainingParticipant.member_id).where(TrainingParticipant.training_id == training.id)
    return db.session.execute(
        select(Member).where(
            Member.cooperative_id == cooperative_id, Member.status != CANCELLED,
            Member.join_date <= training.held_on,
            (Member.left_on.is_(None)) | (Member.left_on > training.held_on),
            Member.id.not_in(already))
        .order_by(Member.name, Member.id)).scalars().all()


def member_trainings(cooperative_id, member_id):
    """Rows of (Training, TrainingParticipant) a member attended, newest first."""
    return db.session.execute(
        select(Training, TrainingParticipant)
        .join(TrainingParticipant, and_(TrainingParticipant.training_id == Training.id,
                                        TrainingParticipant.member_id == member_id))
        .where(Training.cooperative_id == cooperative_id)
        .order_by(Training.held_on.desc(), Training.id.desc())).all()


# -- assistance ----------------------------------------------------------------------------

def record_assistance(cooperative_id, enterprise_id, data: AssistanceData, created_by=None):
    enterprise = get_enterprise(cooperative_id, enterprise_id)
    given_on = _past_date("given_on", data.given_on, today_of(cooperative_id))
    if given_on < enterprise.start_date:
        raise InvalidField("given_on", _l("The enterprise started on %(date)s: the assistance "
                                          "cannot be given before.", date=_day(enterprise.start_date)))
    if enterprise.closed_on is not None and given_on > enterprise.closed_on:
        raise InvalidField("given_on", _l("The enterprise closed on %(date)s: the assistance "
                                          "cannot be given after.", date=_day(enterprise.closed_on)))
    if data.kind not in ASSISTANCE_KINDS:
        raise InvalidField("kind", _l("Choose in kind or cash."))
    value = data.value
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidField("value", _l("The value must be more than zero."))
    if value > MAX_ASSISTANCE:
        raise InvalidField("value", _l("The value is at most Rp10.000.000.000."))
    if value != value.quantize(Decimal("0.01")):
        raise InvalidField("value", _l("Amounts are exact to the sen: at most two decimals."))
    assistance = Assistance(
        cooperative_id=cooperative_id, enterprise_id=enterprise.id, given_on=given_on,
        kind=data.kind, value=value, created_by=created_by,
        description=_text("description", data.description, 300,
                          _l("Say what was given (at most 300 characters).")),
        provider=_text("provider", data.provider, 200,
                       _l("Fill in who gave it (at most 200 characters).")))
    db.session.add(assistance)
    db.session.flush()
    return assistance


def enterprise_assistance(cooperative_id, enterprise_id):
    """The assistance an enterprise received, newest first, and its total value."""
    rows = db.session.execute(select(Assistance).where(
        Assistance.cooperative_id == cooperative_id, Assistance.enterprise_id == enterprise_id)
        .order_by(Assistance.given_on.desc(), Assistance.id.desc())).scalars().all()
    return rows, sum((row.value for row in rows), Decimal(0))

