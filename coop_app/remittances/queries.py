"""Reading remittances: one, the filtered lists newest first, their totals and the share
saved (reversed ones listed but never counted), and the choices the recording form offers."""
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, case, func, select, type_coerce
from sqlalchemy.orm import joinedload

from coop_app.errors import NotFound
from coop_app.extensions import db
from coop_app.members.models import ACTIVE, Member, MigrantWorker
from coop_app.members.service import search_query
from coop_app.money import from_sen
from coop_app.savings.models import Remittance, remittance_stands


def get_remittance(cooperative_id, remittance_id, member_id=None):
    """One remittance of the cooperative; with member_id, only if it is that member's."""
    query = (select(Remittance).options(joinedload(Remittance.member), joinedload(Remittance.sender))
             .where(Remittance.cooperative_id == cooperative_id, Remittance.id == remittance_id))
    if member_id is not None:
        query = query.where(Remittance.member_id == member_id)
    remittance = db.session.execute(query).scalar_one_or_none()
    if remittance is None:
        raise NotFound(_l("Remittance not found."))
    return remittance


def _filtered(query, cooperative_id, date_from=None, date_to=None, member_text=None,
              member_id=None):
    query = query.where(Remittance.cooperative_id == cooperative_id)
    if date_from:
        query = query.where(Remittance.received_on >= date_from)
    if date_to:
        query = query.where(Remittance.received_on <= date_to)
    if member_id is not None:
        query = query.where(Remittance.member_id == member_id)
    if member_text and member_text.strip():
        members = search_query(cooperative_id, member_text).with_only_columns(Member.id).order_by(None)
        query = query.where(Remittance.member_id.in_(members))
    return query


def remittances_query(cooperative_id, date_from=None, date_to=None, member_text=None,
                      member_id=None):
    """Remittances newest first, with member and sender loaded in the same query."""
    query = select(Remittance).options(joinedload(Remittance.member), joinedload(Remittance.sender))
    return _filtered(query, cooperative_id, date_from, date_to, member_text, member_id).order_by(
        Remittance.received_on.desc(), Remittance.id.desc())


def remittance_totals(cooperative_id, date_from=None, date_to=None, member_text=None,
                      member_id=None):
    """Count, rupiah received, saved and paid out of the matching remittances (one SQL
    aggregate), and the share saved in percent (one decimal), or None when nothing came in."""
    def total(column):
        return func.coalesce(func.sum(type_coerce(column, BigInteger)), 0)

    # A reversed remittance is listed (marked) but never counted.
    query = select(func.count(Remittance.id), total(Remittance.amount_idr),
                   total(Remittance.saved_amount), total(Remittance.cash_paid)
                   ).where(remittance_stands())
    count, received, saved, paid = db.session.execute(
        _filtered(query, cooperative_id, date_from, date_to, member_text, member_id)).one()
    received, saved, paid = from_sen(received), from_sen(saved), from_sen(paid)
    share = (saved * 100 / received).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) \
        if received else None
    return {"count": count, "received": received, "saved": saved, "paid_out": paid,
            "share_saved": share}


def remittance_summary(cooperative_id, date_from, date_to):
    """The dashboard's figure: remittances received in a period and the share saved."""
    summary = remittance_totals(cooperative_id, date_from, date_to)
    summary.update(date_from=date_from, date_to=date_to)
    return summary


def senders(cooperative_id, linked_migrant_id=None):
    """The cooperative's migrant workers, the one the member is linked to first."""
    linked = case((MigrantWorker.id == linked_migrant_id, 0), else_=1)
    return db.session.execute(
        select(MigrantWorker).where(MigrantWorker.cooperative_id == cooperative_id)
        .order_by(linked, MigrantWorker.name, MigrantWorker.id)).scalars().all()


def members_for_recording(cooperative_id, text, limit=20):
    """Active members matching a name prefix, member number or NIK, to record a remittance for."""
    query = search_query(cooperative_id, text, status=ACTIVE).limit(limit)
    return db.session.execute(query).scalars().all()


def member_remittances(cooperative_id, member_id, limit=20):
    """The latest remittances received for a member, and (count, total, saved) of all."""
    rows = db.session.execute(
        select(Remittance, MigrantWorker.name)
        .join(MigrantWorker, MigrantWorker.id == Remittance.migrant_worker_id)
        .where(Remittance.cooperative_id == cooperative_id, Remittance.member_id == member_id)
        .order_by(Remittance.received_on.desc(), Remittance.id.desc()).limit(limit)).all()
    count, total, saved = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Remittance.amount_idr), 0),
               func.coalesce(func.sum(Remittance.saved_amount), 0))
        .where(Remittance.cooperative_id == cooperative_id, Remittance.member_id == member_id,
               remittance_stands())).one()
    return rows, {"count": count, "total": total, "saved": saved}


def remittances_sent(cooperative_id, migrant_id):
    """(count, total in rupiah) of the remittances this migrant worker sent home."""
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Remittance.amount_idr), 0))
        .where(Remittance.cooperative_id == cooperative_id,
               Remittance.migrant_worker_id == migrant_id)).one()
    return count, total


def received_by_period(cooperative_id, periods):
    """{(first day, last day): rupiah received in it (Decimal)} for each period, reversed
    remittances not counted: what remittance_totals gives for each period, in one scan."""
    periods = list(periods)
    if not periods:
        return {}
    amount = type_coerce(Remittance.amount_idr, BigInteger)
    sums = [func.coalesce(func.sum(case(((Remittance.received_on >= first) & (Remittance.received_on <= last),
                                         amount), else_=0)), 0)
            for first, last in periods]
    row = db.session.execute(
        select(*sums).where(Remittance.cooperative_id == cooperative_id, remittance_stands(),
                            Remittance.received_on >= min(first for first, _last in periods),
                            Remittance.received_on <= max(last for _first, last in periods))).one()
    return {period: from_sen(int(sen)) for period, sen in zip(periods, row)}
