"""The member register's pages: list and search, registration, a member's page, editing,
a member's login, leaving, the member-number pattern and the import (migrant workers have
their own pages in migrant_views.py).

Each view parses its form, calls one service function, then commits and redirects, or
rolls back and shows the service's message. Nothing here decides a business rule.
"""
import hashlib
import os
import time
import uuid
from datetime import date, datetime
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import raiseload
from werkzeug.routing import BuildError

from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MANAGER, MEMBER
from coop_app.enterprises.forms import SECTOR_LABELS as ENTERPRISE_SECTOR_LABELS
from coop_app.enterprises.service import member_enterprises
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.ledger.forms import choices
from coop_app.ledger.service import cash_accounts
from coop_app.savings.movements import member_accounts
from coop_app.members import migrants, service
from coop_app.membership import import_rows
from coop_app.membership import importer
from coop_app.membership import leaving
from coop_app.members.forms import (CATEGORY_LABELS, GENDER_LABELS, NEW_MIGRANT,
                                    RELATIONSHIP_LABELS, SECTOR_LABELS, STATUS_LABELS,
                                    EditMemberForm, ImportConfirmForm, ImportUploadForm, LoginForm,
                                    MemberSearchForm, NumberPatternForm, RegisterForm, ResignForm)
from coop_app.members.models import ACTIVE, DECEASED, Member

bp = coop_blueprint("members", __name__, "/members")

MAX_PAGE = 100000
PREVIEW_ROWS = 200
KEEP_UPLOADS_SECONDS = 24 * 3600


@bp.context_processor
def member_labels():
    return {"category_labels": CATEGORY_LABELS, "status_labels": STATUS_LABELS,
            "gender_labels": GENDER_LABELS, "relationship_labels": RELATIONSHIP_LABELS,
            "sector_labels": SECTOR_LABELS, "enterprise_sector_labels": ENTERPRISE_SECTOR_LABELS,
            "savings_account_url": savings_account_url}


# -- helpers -----------------------------------------------------------------------------

def or_404(function, *args):
    try:
        return function(*args)
    except NotFound:
        abort(404)


REFUSED = 422  # a form sent back with what was wrong: nothing was written


def form_page(template, **context):
    """A form's page: on a POST it is shown again only when the form was refused (every
    accepted submission redirects), so it answers 422, as the other packages' forms do."""
    return render_template(template, **context), (REFUSED if request.method == "POST" else 200)


def refused(error, form=None, fields=None):
    """A service said no: undo whatever was flushed and show why, next to the field it is
    about when there is one on the form."""
    db.session.rollback()
    name = (fields or {}).get(error.field, error.field) if isinstance(error, InvalidField) else None
    if form is not None and name and name in form:
        form[name].errors = list(form[name].errors) + [str(error)]
    else:
        flash(str(error), "danger")


def _money_choices(form_field):
    locale = str(get_locale())
    form_field.choices = choices((a.id, f"{a.code} · {a.display_name(locale)}")
                                 for a in cash_accounts(g.coop.id))


def savings_account_url(account_id):
    """The savings module's account page (built by its own blueprint when registered)."""
    if "savings.account" in current_app.view_functions:
        try:
            return url_for("savings.account", account_id=account_id)
        except BuildError:
            pass
    return f"/c/{g.coop.code}/savings/accounts/{account_id}"


def _own_member_or_404(member_id):
    """Staff and auditors see every member; a member only themselves (others do not exist)."""
    member = or_404(service.get_member, g.coop.id, member_id)
    if not has_role(*READERS) and member.user_id != current_user.id:
        abort(404)
    return member


def _member_data(form):
    migrant = form.migrant.data
    return service.MemberData(
        nik=form.nik.data, name=form.name.data, gender=form.gender.data,
        birth_date=form.birth_date.data, address=form.address.data, phone=form.phone.data,
        join_date=form.join_date.data, category=form.category.data,
        migrant_worker_id=migrant if isinstance(migrant, int) else None,
        relationship=form.relationship.data or None)


def page_arg():
    """The ?page= of a list, within bounds (a huge page would overflow SQLite's OFFSET)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def filter_values(form):
    """Values of a GET filter form; a value that does not parse is flashed and ignored."""
    form.validate()
    values = {}
    for field in form:
        if field.errors:
            flash(_("%(label)s: %(error)s The filter was ignored.", label=field.label.text,
                    error=field.errors[0]), "warning")
            values[field.name] = None
        else:
            values[field.name] = field.data
    return values


# -- the register ------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    form = MemberSearchForm(formdata=request.args)
    values = filter_values(form)
    query = service.search_query(g.coop.id, values["q"], values["status"], values["category"])
    pagination = db.paginate(query.options(raiseload(Member.migrant_worker)), page=page_arg(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("members/index.html", form=form, pagination=pagination)


@bp.route("/me")
@require_role(MEMBER)
def me():
    member = service.member_of_user(g.coop.id, current_user.id)
    if member is None:
        abort(404)
    return redirect(url_for("members.detail", member_id=member.id))


@bp.route("/new", methods=["GET", "POST"])
@require_role(*STAFF)
def register():
    form = RegisterForm()
    _money_choices(form.money_account)
    form.set_migrant_choices(migrants.migrant_choices(g.coop.id), allow_new=True)
    if request.method == "GET" and request.args.get("migrant", type=int):
        # "Register a family member" from a migrant worker's page
        form.migrant.data = request.args.get("migrant", type=int)
        form.category.data = "family"
    if form.validate_on_submit():
        new_migrant = None
        if form.migrant.data == NEW_MIGRANT:
            new_migrant = migrants.MigrantData(
                name=form.migrant_name.data, destination_country=form.migrant_country.data,
                sector=form.migrant_sector.data, departure_date=form.migrant_departure.data,
                expected_return_date=form.migrant_expected_return.data,
                actual_return_date=form.migrant_actual_return.data,
                procedural=form.migrant_procedural.data)
        try:
            member = service.register_member(g.coop, _member_data(form), form.money_account.data,
                                             form.key.data, created_by=current_user.id,
                                             new_migrant=new_migrant)
        except DomainError as error:
            refused(error, form, {"actual_return_date": "migrant_actual_return" if new_migrant
                                   else "migrant"})
        else:
            member_id, number = member.id, member.member_number
            if member.replayed:
                db.session.rollback()
                flash(_("This registration was already recorded (member %(number)s); nothing new "
                        "was posted.", number=number), "info")
            else:
                db.session.commit()
                flash(_("Member %(number)s was registered.", number=number), "success")
            return redirect(url_for("members.detail", member_id=member_id))
    return form_page("members/register.html", form=form)


@bp.route("/<int:member_id>")
@require_role(*READERS, MEMBER)
def detail(member_id):
    member = _own_member_or_404(member_id)
    coop_id = g.coop.id
    migrant = member.migrant_worker
    family = [m for m in migrants.linked_members(coop_id, migrant.id) if m.id != member.id] \
        if migrant else []
    remittances, remittance_totals = service.member_remittances(coop_id, member.id)
    staff_view = has_role(*READERS)
    return render_template(
        "members/detail.html", member=member, migrant=migrant, family=family,
        eligible=service.returnee_eligible(member, migrant),
        eligible_until=service.returnee_eligible_until(migrant),
        accounts=member_accounts(coop_id, member.id),
        enterprises=member_enterprises(coop_id, member.id),
        remittances=remittances, remittance_totals=remittance_totals,
        history=service.member_history(coop_id, member.id) if staff_view else [],
        staff_view=staff_view)


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@require_role(*STAFF)
def edit(member_id):
    member = or_404(service.get_member, g.coop.id, member_id)
    form = EditMemberForm(obj=member)
    if request.method == "GET":
        form.migrant.data = member.migrant_worker_id
    form.set_migrant_choices(migrants.migrant_choices(g.coop.id))
    if form.validate_on_submit():
        try:
            service.update_member(g.coop.id, member.id, _member_data(form))
        except DomainError as error:
            refused(error, form, {"actual_return_date": "migrant"})
        else:
            db.session.commit()
            flash(_("The member's data was saved."), "success")
            return redirect(url_for("members.detail", member_id=member_id))
    return form_page("members/edit.html", form=form, member=member)


@bp.route("/<int:member_id>/login", methods=["GET", "POST"])
@require_role(MANAGER)
def create_login(member_id):
    member = or_404(service.get_member, g.coop.id, member_id)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.create_member_login(g.coop.id, member.id, form.username.data,
                                               form.password.data)
        except DomainError as error:
            refused(error)
        else:
            username = user.username
            db.session.commit()
            flash(_("%(name)s can now log in as %(username)s.", name=member.name,
                    username=username), "success")
            return redirect(url_for("members.detail", member_id=member_id))
    return form_page("members/login.html", form=form, member=member)


@bp.route("/<int:member_id>/leave", methods=["GET", "POST"])
@require_role(MANAGER)
def leave(member_id):
    member = or_404(service.get_member, g.coop.id, member_id)
    form = ResignForm()
    _money_choices(form.money_account)
    if form.validate_on_submit():
        try:
            entry = leaving.resign_member(
                g.coop.id, member.id, form.left_on.data, form.money_account.data, form.key.data,
                created_by=current_user.id, deceased=form.outcome.data == DECEASED,
                heir_name=form.heir_name.data)
        except DomainError as error:
            refused(error, form)
        else:
            if entry is not None and entry.replayed:
                db.session.rollback()
                flash(_("This settlement was already recorded as entry #%(id)s; nothing new was "
                        "posted.", id=entry.id), "info")
            else:
                entry_id = entry.id if entry is not None else None
                db.session.commit()
                flash(_("The member has left; the savings were paid out in entry #%(id)s.", id=entry_id)
                      if entry_id else _("The member has left; there were no savings to pay out."),
                      "success")
            return redirect(url_for("members.detail", member_id=member_id))
    accounts, total, pledged = leaving.settlement_preview(g.coop.id, member.id)
    return form_page("members/leave.html", form=form, member=member, accounts=accounts,
                     total=total, pledged=pledged, can_leave=member.status == ACTIVE)


@bp.route("/settings", methods=["GET", "POST"])
@require_role(MANAGER)
def settings():
    form = NumberPatternForm(data={"pattern": g.coop.member_number_pattern})
    if form.validate_on_submit():
        try:
            service.set_member_number_pattern(g.coop, form.pattern.data)
        except DomainError as error:
            refused(error, form)
        else:
            db.session.commit()
            flash(_("New members will be numbered by the new pattern."), "success")
            return redirect(url_for("members.settings"))
    sample = service.format_member_number(g.coop.member_number_pattern, g.coop, 1, date.today())
    return form_page("members/settings.html", form=form, sample=sample)


# -- import ------------------------------------------------------------------------------

def _upload_dir():
    base = current_app.config.get("MEMBER_IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    folder = Path(base) / str(g.coop.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder):
    limit = time.time() - KEEP_UPLOADS_SECONDS
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:  # another request removed it first
            continue


def _store(path, content):
    """Keep the upload until it is confirmed (or a day has passed). Written whole and then
    renamed, so a confirmation never reads half a file; the name is the content's hash."""
    temporary = path.with_name(f".{uuid.uuid4().hex}.part")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _cell(value):
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return import_rows._text(value)


def _render_preview(parsed, result, status=200):
    errors_by_row = {}
    for error in result.errors:
        errors_by_row.setdefault(error.row, []).append(error)
    rows = [(row.number, {k: _cell(v) for k, v in row.values.items()}, errors_by_row.get(row.number, []))
            for row in parsed.rows[:PREVIEW_ROWS]]
    confirm = ImportConfirmForm(formdata=None, data={"file_hash": parsed.sha256, "kind": parsed.kind})
    return render_template("members/import_preview.html", parsed=parsed, result=result, rows=rows,
                           columns=importer.COLUMNS, confirm=confirm,
                           hidden_rows=max(0, len(parsed.rows) - PREVIEW_ROWS)), status


@bp.route("/import", methods=["GET", "POST"])
@require_role(*STAFF)
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose a file to upload.")]
        else:
            content = upload.read(importer.MAX_BYTES + 1)
            try:
                parsed = importer.read_import(upload.filename, content, importer.WEB_MAX_ROWS)
            except DomainError as error:
                form.file.errors = [str(error)]
            else:
                folder = _upload_dir()
                _forget_old_uploads(folder)
                _store(folder / f"{parsed.sha256}.{parsed.kind}", content)
                result = importer.run_import(g.coop, parsed, register=False)
                db.session.rollback()  # a preview writes nothing
                return _render_preview(parsed, result)
    return form_page("members/import.html", form=form, columns=importer.COLUMNS)


@bp.route("/import/confirm", methods=["POST"])
@require_role(*STAFF)
def import_confirm():
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form is damaged; upload the file again."), "danger")
        return redirect(url_for("members.import_upload"))
    path = _upload_dir() / f"{form.file_hash.data}.{form.kind.data}"
    content = path.read_bytes() if path.is_file() else None
    if content is None or hashlib.sha256(content).hexdigest() != form.file_hash.data:
        flash(_("The uploaded file is no longer here; upload it again."), "warning")
        return redirect(url_for("members.import_upload"))
    parsed = importer.read_import(f"members.{form.kind.data}", content, importer.WEB_MAX_ROWS)
    result = importer.run_import(g.coop, parsed, created_by=current_user.id)
    if not result.ok:
        db.session.rollback()
        flash(_("Nothing was imported: some rows are not valid."), "danger")
        return _render_preview(parsed, result, REFUSED)
    db.session.commit()
    # The file stays for a day: confirming it again registers nobody twice (the keys).
    if result.registered:
        flash(_("%(count)d members were registered.", count=result.registered), "success")
    else:
        flash(_("This file was already imported; nothing new was registered."), "info")
    return redirect(url_for("members.index"))
