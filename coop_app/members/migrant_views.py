"""The migrant-worker pages: the list with the members linked to each, recording a migrant
worker, recording the return, and a migrant's page with the family.

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects, or rolls back and shows the form again (422) with the
service's message next to the field it is about.
"""
from flask import g, render_template, request, url_for
from flask_babel import gettext as _

from coop_app.auth.access import READERS, STAFF, coop_blueprint, require_role
from coop_app.members import migrants
from coop_app.members.forms import MigrantForm, MigrantSearchForm
from coop_app.registry import registry
from coop_app.members.views import member_labels, panels_of
from coop_app.web import filter_values, form_page, paginate, perform

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
    pagination = paginate(migrants.migrants_query(g.coop.id, values["q"], abroad))
    linked = migrants.linked_counts(g.coop.id, [m.id for m in pagination.items])
    return render_template("members/migrants.html", form=form, pagination=pagination, linked=linked)


@bp.route("/new", methods=["GET", "POST"])
@require_role(*STAFF)
def new():
    form = MigrantForm()
    done = perform(form, lambda: migrants.add_migrant(g.coop.id, _migrant_data(form)),
                   lambda migrant: url_for("migrants.detail", migrant_id=migrant.id),
                   _("The migrant worker was recorded."))
    if done is not None:
        return done
    return form_page("members/migrant_form.html", form=form, migrant=None)


@bp.route("/<int:migrant_id>")
@require_role(*READERS)
def detail(migrant_id):
    migrant = migrants.get_migrant(g.coop.id, migrant_id)
    return render_template("members/migrant_detail.html", migrant=migrant,
                           members=migrants.linked_members(g.coop.id, migrant.id),
                           panels=panels_of(registry().migrant_panels, migrant))


@bp.route("/<int:migrant_id>/edit", methods=["GET", "POST"])
@require_role(*STAFF)
def edit(migrant_id):
    migrant = migrants.get_migrant(g.coop.id, migrant_id)  # outside perform: unknown is a 404
    form = MigrantForm(obj=migrant)
    done = perform(form, lambda: migrants.update_migrant(g.coop.id, migrant.id, _migrant_data(form)),
                   url_for("migrants.detail", migrant_id=migrant_id),
                   _("The migrant worker's record was saved."))
    if done is not None:
        return done
    return form_page("members/migrant_form.html", form=form, migrant=migrant)
