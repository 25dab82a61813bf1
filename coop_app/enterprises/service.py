"""Members' productive enterprises: recording, editing and closing them, and the lists that
show them. An enterprise that stops trading is closed on a date, never deleted: its reports,
loans and assistance stay on record, and the programme's figures count it up to that day."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from coop_app.cooperatives.service import today_of
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.models import ACTIVE, Member
from coop_app.enterprises.models import SECTORS, Enterprise
from coop_app.enterprises.reports import (date_words, refuse_if_reported_after,
                                         refuse_if_reported_before)

MAX_WORKERS = 10000  # far beyond any village business; a typo guard


@dataclass
class EnterpriseData:
    name: str
    sector: str
    products: str
    start_date: date
    workers: int = 1
    address: str | None = None
    is_ovop: bool = False


def _clean(data: EnterpriseData, today):
    name = (data.name or "").strip()
    products = (data.products or "").strip()
    address = (data.address or "").strip() or None
    if not name or len(name) > 200:
        raise InvalidField("name", _l("Fill in the enterprise's name (at most 200 characters)."))
    if data.sector not in SECTORS:
        raise InvalidField("sector", _l("Choose the sector."))
    if not products or len(products) > 300:
        raise InvalidField("products", _l("Say what the enterprise makes or sells (at most 300 characters)."))
    if not isinstance(data.start_date, date) or data.start_date > today \
            or data.start_date.year < 1900:
        raise InvalidField("start_date", _l("The start date must be a real date, not in the future."))
    if isinstance(data.workers, bool) or not isinstance(data.workers, int) \
            or not 0 <= data.workers <= MAX_WORKERS:
        raise InvalidField("workers", _l("The number of workers is a whole number from 0 to %(max)d.",
                                         max=MAX_WORKERS))
    if address and len(address) > 300:
        raise InvalidField("address", _l("The address is too long (at most 300 characters)."))
    return dict(name=name, sector=data.sector, products=products, start_date=data.start_date,
                workers=data.workers, address=address, is_ovop=bool(data.is_ovop))


def _member(cooperative_id, member_id):
    member = db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.id == member_id)).scalar_one_or_none()
    if member is None:
        raise NotFound(_l("Member not found."))
    return member


def create_enterprise(cooperative_id, member_id, data: EnterpriseData):
    member = _member(cooperative_id, member_id)
    if member.status != ACTIVE:
        raise DomainError(_l("Enterprises are recorded for active members only."))
    enterprise = Enterprise(cooperative_id=cooperative_id, member_id=member.id, **_clean(data, today_of(cooperative_id)))
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def update_enterprise(cooperative_id, enterprise_id, data: EnterpriseData):
    enterprise = get_enterprise(cooperative_id, enterprise_id)
    values = _clean(data, today_of(cooperative_id))
    start = values["start_date"]
    if enterprise.closed_on is not None and start > enterprise.closed_on:
        raise InvalidField("start_date", _l("The enterprise closed on %(date)s: it started before that.",
                                            date=date_words(enterprise.closed_on)))
    refuse_if_reported_before(enterprise, start)
    for key, value in values.items():
        setattr(enterprise, key, value)
    db.session.flush()
    return enterprise


def close_enterprise(cooperative_id, enterprise_id, closed_on):
    """The enterprise stopped trading on `closed_on`: it stays on record, closed (no longer
    active), and reports of periods after that day are refused."""
    enterprise = get_enterprise(cooperative_id, enterprise_id)
    if enterprise.closed_on is not None:
        raise DomainError(_l("This enterprise is already closed."))
    if not isinstance(closed_on, date):
        raise InvalidField("closed_on", _l("That is not a date. Use the form YYYY-MM-DD."))
    if closed_on > today_of(cooperative_id):
        raise InvalidField("closed_on", _l("The closing date cannot be in the future."))
    if closed_on < enterprise.start_date:
        raise InvalidField("closed_on", _l("The enterprise started on %(date)s: it cannot close before.",
                                           date=date_words(enterprise.start_date)))
    refuse_if_reported_after(enterprise, closed_on)
    enterprise.closed_on = closed_on
    enterprise.active = False
    db.session.flush()
    return enterprise


def get_enterprise(cooperative_id, enterprise_id):
    enterprise = db.session.execute(select(Enterprise).where(
        Enterprise.cooperative_id == cooperative_id, Enterprise.id == enterprise_id)).scalar_one_or_none()
    if enterprise is None:
        raise NotFound(_l("Enterprise not found."))
    return enterprise


def member_enterprises(cooperative_id, member_id):
    return db.session.execute(select(Enterprise).where(
        Enterprise.cooperative_id == cooperative_id, Enterprise.member_id == member_id)
        .order_by(Enterprise.active.desc(), Enterprise.name, Enterprise.id)).scalars().all()


def enterprises_query(cooperative_id, sector=None, active=None, ovop=None):
    """Enterprises with their owners joined in the same query (no query per row)."""
    query = (select(Enterprise).options(joinedload(Enterprise.member, innerjoin=True))
             .where(Enterprise.cooperative_id == cooperative_id))
    if sector:
        query = query.where(Enterprise.sector == sector)
    if active is not None:
        query = query.where(Enterprise.active.is_(active))
    if ovop is not None:
        query = query.where(Enterprise.is_ovop.is_(ovop))
    return query.order_by(Enterprise.name, Enterprise.id)


def enterprise_totals(cooperative_id):
    """Active enterprises, OVOP ones among them, and the workers they employ (one aggregate)."""
    count, ovop, workers = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Enterprise.is_ovop.is_(True), 1), else_=0)), 0),
               func.coalesce(func.sum(Enterprise.workers), 0))
        .where(Enterprise.cooperative_id == cooperative_id, Enterprise.active.is_(True))).one()
    return {"active": count, "ovop": ovop, "workers": workers}
