"""The membership pages (routes on the members blueprint, where they have always been):
registering a member with the simpanan pokok, a member leaving with the settlement of their
savings, and the import of a member register from a file.

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects (a retried submission posts nothing new), or rolls back and
shows the form again (422) with the service's message. A file's preview writes nothing.
"""
import hashlib
import os
import time
import uuid
from datetime import date, datetime
from pathlib import Path

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.auth.access import STAFF, require_role
from coop_app.auth.models import MANAGER
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members import migrants, service
from coop_app.members.forms import (NEW_MIGRANT, ImportConfirmForm, ImportUploadForm, RegisterForm,
                                    ResignForm)
from coop_app.members.models import ACTIVE, DECEASED
from coop_app.members.views import _member_data, _money_choices, bp
from coop_app.membership import import_rows, importer, joining, leaving
from coop_app.web import REFUSED, form_page, perform

PREVIEW_ROWS = 200
KEEP_UPLOADS_SECONDS = 24 * 3600


def _new_migrant(form):
    """The migrant worker recorded on the registration form itself ("a new record")."""
    return migrants.MigrantData(
        name=form.migrant_name.data, destination_country=form.migrant_country.data,
        sector=form.migrant_sector.data, departure_date=form.migrant_departure.data,
        expected_return_date=form.migrant_expected_return.data,
        actual_return_date=form.migrant_actual_return.data,
        procedural=form.migrant_procedural.data)


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
    with_new_migrant = form.migrant.data == NEW_MIGRANT
    done = perform(
        form, lambda: joining.register_member(
            g.coop, _member_data(form), form.money_account.data, form.key.data,
            created_by=current_user.id, new_migrant=_new_migrant(form) if with_new_migrant else None),
        lambda member: url_for("members.detail", member_id=member.id),
        lambda member: _("Member %(number)s was registered.", number=member.member_number),
        fields={"actual_return_date": "migrant_actual_return" if with_new_migrant else "migrant",
                "date": "join_date"},
        replayed_message=lambda member: _("This registration was already recorded (member "
                                          "%(number)s); nothing new was posted.",
                                          number=member.member_number))
    if done is not None:
        return done
    return form_page("members/register.html", form=form)


def _left_message(entry):
    """What a leaving posted: the payout's entry, or none when there were no savings."""
    if entry is not None:
        return _("The member has left; the savings were paid out in entry #%(id)s.", id=entry.id)
    return _("The member has left; there were no savings to pay out.")


@bp.route("/<int:member_id>/leave", methods=["GET", "POST"])
@require_role(MANAGER)
def leave(member_id):
    member = service.get_member(g.coop.id, member_id)  # outside perform: unknown is a 404
    form = ResignForm()
    _money_choices(form.money_account)
    done = perform(
        form, lambda: leaving.resign_member(
            g.coop.id, member.id, form.left_on.data, form.money_account.data, form.key.data,
            created_by=current_user.id, deceased=form.outcome.data == DECEASED,
            heir_name=form.heir_name.data),
        url_for("members.detail", member_id=member_id), _left_message, fields={"date": "left_on"},
        replayed_message=lambda entry: _("This settlement was already recorded as entry #%(id)s; "
                                         "nothing new was posted.", id=entry.id))
    if done is not None:
        return done
    accounts, total, pledged = leaving.settlement_preview(g.coop.id, member.id)
    return form_page("members/leave.html", form=form, member=member, accounts=accounts,
                     total=total, pledged=pledged, can_leave=member.status == ACTIVE)


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
    checked = []

    def register_rows():
        result = importer.run_import(g.coop, parsed, created_by=current_user.id)
        checked.append(result)
        if not result.ok:
            raise importer.ImportRefused(_("Nothing was imported: some rows are not valid."))
        # The file stays for a day: confirming it again registers nobody twice (the keys),
        # and a file with nobody new posted nothing new.
        result.replayed = not result.registered
        return result

    done = perform(form, register_rows, url_for("members.index"),
                   lambda result: _("%(count)d members were registered.", count=result.registered),
                   replayed_message=_("This file was already imported; nothing new was registered."))
    if done is not None:
        return done
    if not checked:  # the service refused the file as a whole (its message is shown)
        return redirect(url_for("members.import_upload"))
    return _render_preview(parsed, checked[0], REFUSED)
