"""The audit trail: who changed which business row, when, from what to what.

The page's query is audit.queries.audit_log_query, filtered by record type, record (a number
or a name, found by the table's package), user and days; a filter that does not parse shows
its message and no rows (422), rather than an unfiltered trail. Lists are paged with the web
kit's `paginate`; each row reads as a sentence (audit.history) linked to its record, with the
stored before and after one click away.
"""
from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import false
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from coop_app.auth.access import coop_blueprint, require_role
from coop_app.auth.models import AUDITOR, MANAGER
from coop_app.audit.history import find_records, history
from coop_app.audit.labels import table_label
from coop_app.audit.queries import SYSTEM, actors, audit_log_query, audited_tables
from coop_app.web import REFUSED, paginate

bp = coop_blueprint("audit", __name__, "/audit")


class AuditFilterForm(FlaskForm):
    """The GET filter of the trail (FlaskForm for the translated field messages)."""

    class Meta:
        csrf = False  # a search changes nothing

    table = SelectField(_l("Record type"), validators=[Optional()])
    record = StringField(_l("Record (number or name)"), validators=[Optional(), Length(max=100)],
                         filters=[lambda text: text.strip() if text else text])
    user = SelectField(_l("User"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, formdata, cooperative_id):
        super().__init__(formdata=formdata)
        self.table.choices = [SelectChoice("", _l("All records"))] + [
            SelectChoice(name, table_label(name)) for name in audited_tables()]
        self.user.choices = [SelectChoice("", _l("Everyone")), SelectChoice(SYSTEM, _l("The system"))] + [
            SelectChoice(str(user_id), name) for user_id, name in actors(cooperative_id)]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


def changes(row):
    """[(field, old, new)] of one audit row as stored (the raw view): what an update changed,
    or the whole row of an insert (old empty) or a delete (new empty)."""
    before, after = row.before or {}, row.after or {}
    return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))]


@bp.route("/")
@require_role(MANAGER, AUDITOR)
def log():
    form = AuditFilterForm(request.args, g.coop.id)
    if form.validate():
        records = None
        if form.record.data:
            tables = [form.table.data] if form.table.data else audited_tables()
            records = find_records(g.coop.id, tables, form.record.data)
        query = audit_log_query(g.coop.id, form.table.data, form.date_from.data, form.date_to.data,
                                actor=form.user.data, records=records)
        status = 200
    else:
        # A bad filter shows its message and no rows, rather than an unfiltered trail.
        query = audit_log_query(g.coop.id).where(false())
        status = REFUSED
    pagination = paginate(query)
    return render_template("audit/log.html", form=form, pagination=pagination,
                           lines=history(pagination.items), changes=changes,
                           table_label=table_label), status
