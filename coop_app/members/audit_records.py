"""How the audit log tells of the register's rows (registry().audit_records): a member by
number and name, a migrant worker by name, each linked to its page and found by number or
name for the log's record filter."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.extensions import db
from coop_app.members.forms import (CATEGORY_LABELS, GENDER_LABELS, RELATIONSHIP_LABELS, SECTOR_LABELS,
                                    STATUS_LABELS)
from coop_app.members.household_forms import KIND_LABELS
from coop_app.members.households import households_query
from coop_app.members.models import Household, Member, MigrantWorker
from coop_app.members.service import search_query
from coop_app.registry import AuditRecord, Words
from coop_app.web.fields import label

FOUND_AT_MOST = 500  # a record filter this wide is a search, not a record


def _labels(words):
    return lambda code: label(words, code)


def describe_member(row_id, values):
    number, name = values.get("member_number"), values.get("name")
    if number and name:
        return _("member %(number)s (%(name)s)", number=number, name=name)
    return _("member #%(id)s", id=row_id)


def find_members(cooperative_id, text):
    """By number, NIK or the start of the name, as the member search finds them."""
    query = search_query(cooperative_id, text).with_only_columns(Member.id).limit(FOUND_AT_MOST)
    return list(db.session.scalars(query))


def describe_migrant(row_id, values):
    if values.get("name"):
        return _("migrant worker %(name)s", name=values["name"])
    return _("migrant worker #%(id)s", id=row_id)


def find_migrants(cooperative_id, text):
    query = (select(MigrantWorker.id).where(MigrantWorker.cooperative_id == cooperative_id,
                                            MigrantWorker.name.ilike(f"%{text}%"))
             .limit(FOUND_AT_MOST))
    return list(db.session.scalars(query))


def describe_household(row_id, values):
    if values.get("kk_number"):
        return _("household KK %(kk)s", kk=values["kk_number"])
    return _("household #%(id)s", id=row_id)


def find_households(cooperative_id, text):
    query = households_query(cooperative_id, text).with_only_columns(Household.id).limit(FOUND_AT_MOST)
    return list(db.session.scalars(query))


def describe_survey(row_id, values):
    if values.get("surveyed_on"):
        return _("household survey of %(date)s", date=values["surveyed_on"])
    return _("household survey #%(id)s", id=row_id)


def _household_link(_row_id, values):
    household_id = values.get("household_id")
    return url_for("households.detail", household_id=household_id) if household_id else None


AUDIT_RECORDS = {
    "members": AuditRecord(
        describe=describe_member,
        link=lambda row_id, _values: url_for("members.detail", member_id=row_id),
        find=find_members,
        fields={"migrant_worker_id": Words(_l("migrant worker")), "user_id": Words(_l("login"))},
        values={"status": _labels(STATUS_LABELS), "category": _labels(CATEGORY_LABELS),
                "gender": _labels(GENDER_LABELS), "relationship": _labels(RELATIONSHIP_LABELS)}),
    "migrant_workers": AuditRecord(
        describe=describe_migrant,
        link=lambda row_id, _values: url_for("migrants.detail", migrant_id=row_id),
        find=find_migrants,
        fields={"procedural": Words(_l("procedural departure"))},
        values={"gender": _labels(GENDER_LABELS), "sector": _labels(SECTOR_LABELS)}),
    "households": AuditRecord(
        describe=describe_household,
        link=lambda row_id, _values: url_for("households.detail", household_id=row_id),
        find=find_households,
        fields={"kk_number": Words(_l("KK number")), "head_name": Words(_l("head of the household")),
                "head_gender": Words(_l("head's gender")), "size": Words(_l("people in the household"))},
        values={"head_gender": _labels(GENDER_LABELS)}),
    "household_surveys": AuditRecord(
        describe=describe_survey, link=_household_link,
        fields={"member_id": Words(_l("respondent")), "household_id": Words(_l("household"))},
        values={"kind": _labels(KIND_LABELS)}),
}
