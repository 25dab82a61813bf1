"""The audit trail: who changed which business row, when, from what to what."""
from datetime import datetime, time, timedelta

from flask import current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from flask_wtf import FlaskForm
from sqlalchemy import false, select
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from coop_app.auth.access import coop_blueprint, require_role
from coop_app.auth.models import AUDITOR, MANAGER
from coop_app.extensions import db
from coop_app.audit.hooks import NOT_AUDITED
from coop_app.audit.models import AuditLog

bp = coop_blueprint("audit", __name__, "/audit")


def audited_tables():
    """The tables whose audit rows belong to a cooperative (a fixed list: no scan of the trail)."""
    return sorted(name for name, table in db.metadata.tables.items()
                  if name not in NOT_AUDITED and ("cooperative_id" in table.c or name == "cooperatives"))


class AuditFilterForm(FlaskForm):
    """The GET filter of the trail (FlaskForm for the translated field messages)."""

    class Meta:
        csrf = False  # a search changes nothing

    table = SelectField(_l("Table"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, formdata):
        super().__init__(formdata=formdata)
        self.table.choices = [SelectChoice("", _l("All tables"))] + [
            SelectChoice(name) for name in audited_tables()]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


def _utc(day):
    """The UTC instant (naive, as stored) at which `day` starts in the deployment's time zone."""
    return to_utc(datetime.combine(day, time.min))


def changes(row):
    """[(field, old, new)] of one audit row: what an update changed, or the whole row of an
    insert (old empty) or a delete (new empty)."""
    before, after = row.before or {}, row.after or {}
    return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))]


@bp.route("/")
@require_role(MANAGER, AUDITOR)
def log():
    form = AuditFilterForm(request.args)
    query = (select(AuditLog).where(AuditLog.cooperative_id == g.coop.id)
             .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    if form.validate():
        if form.table.data:
            query = query.where(AuditLog.table_name == form.table.data)
        if form.date_from.data:
            query = query.where(AuditLog.at >= _utc(form.date_from.data))
        if form.date_to.data:
            query = query.where(AuditLog.at < _utc(form.date_to.data + timedelta(days=1)))
        status = 200
    else:
        # A bad filter shows its message and no rows, rather than an unfiltered trail.
        query = query.where(false())
        status = 422
    pagination = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("audit/log.html", form=form, pagination=pagination,
                           changes=changes), status
