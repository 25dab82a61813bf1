"""The migrant-worker pages: the list with the members linked to each, recording a migrant
worker, recording the return, and a migrant's page with the family.

Each view parses its form, calls one service function, then commits and redirects, or
rolls back and shows the service's message.
"""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coop_app.auth.access import READERS, STAFF, coop_blueprint, require_role
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members import migrants
from coop_app.members.forms import MigrantForm, MigrantSearchForm
from coop_app.registry import registry
from coop_app.members.views import (filter_values, form_page, member_labels, or_404, page_arg,
                                    panels_of, refused)

bp = coop_blueprint("migrants", __name__, "/members/migrants")
bp.context_processor(member_labels)


def _migrant_data(form):
    return migrants.MigrantData(
        name=form.name.data, destination_country=form.destination_country.data,
        sector=form.sector.data, departure_date=form.departure_date.data,
        expected_return_date=form.expected_return_date.data,
        actual_return_date=form.actual_return_date.data, procedural=form.procedural.data,
        gender=form.gender.data or None, notes=form.notes.data)


@bp.route("")
@require_role(*READERS)
def index():
    form = MigrantSearchForm(formdata=request.args)
    values = filter_values(form)
    abroad = {"abroad": True, "returned": False}.get(values["where"])
    pagination = db.paginate(migrants.migrants_query(g.coop.id, values["q"], abroad),
                             page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    linked = migrants.linked_counts(g.coop.id, [m.id for m in pagination.items])
    return render_template("members/migrants.html", form=form, pagination=pagination, linked=linked)


@bp.route("/new", methods=["GET", "POST"])
@require_role(*STAFF)
def new():
    form = MigrantForm()
    if form.validate_on_submit():
        try:
            migrant = migrants.add_migrant(g.coop.id, _migrant_data(form))
        except DomainError as error:
            refused(error, form)
        else:
            migrant_id = migrant.id
            db.session.commit()
            flash(_("The migrant worker was recorded."), "success")
            return redirect(url_for("migrants.detail", migrant_id=migrant_id))
    return form_page("members/migrant_form.html", form=form, migrant=None)


@bp.route("/<int:migrant_id>")
@require_role(*READERS)
def detail(migrant_id):
    migrant = or_404(migrants.get_migrant, g.coop.id, migrant_id)
    return render_template("members/migrant_detail.html", migrant=migrant,
                           members=migrants.linked_members(g.coop.id, migrant.id),
                           panels=panels_of(registry().migrant_panels, migrant))


@bp.route("/<int:migrant_id>/edit", methods=["GET", "POST"])
@require_role(*STAFF)
def edit(migrant_id):
    migrant = or_404(migrants.get_migrant, g.coop.id, migrant_id)
    form = MigrantForm(obj=migrant)
    if form.validate_on_submit():
        try:
            migrants.update_migrant(g.coop.id, migrant.id, _migrant_data(form))
        except DomainError as error:
            refused(error, form)
        else:
            db.session.commit()
            flash(_("The migrant worker's record was saved."), "success")
            return redirect(url_for("migrants.detail", migrant_id=migrant_id))
    return form_page("members/migrant_form.html", form=form, migrant=migrant)
