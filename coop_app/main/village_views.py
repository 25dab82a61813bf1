"""The cooperative's village (/c/<code>/village): where it is, its Desmigratif cohort, and its
profile year by year (population, households, migrant households, people working abroad),
which the programme's coverage indicators divide by (cooperatives/profiles.py).

Its staff and its village facilitator record and correct the profiles; an auditor of its
region reads them. The cohort is the administrator's, on the cooperative's own record.
"""
from flask import g, render_template, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from coop_app.auth.access import PROGRAMME_STAFF, READERS, coop_blueprint, has_role, require_role
from coop_app.cooperatives import profiles
from coop_app.cooperatives.clock import local_today
from coop_app.web import form_page, perform
from coop_app.web.fields import WholeNumberField, required

bp = coop_blueprint("village", __name__, "/village")
bp.context_processor(lambda: {"number": format_number})  # 3.456 in Indonesian, 3,456 in English

WRITERS = PROGRAMME_STAFF  # treasurer, manager, pendamping
VIEWERS = tuple(dict.fromkeys(READERS + PROGRAMME_STAFF))


def _count(label, description=None):
    return WholeNumberField(label, validators=[required(_l("Enter the number (0 if none)."))],
                            description=description)


class ProfileForm(FlaskForm):
    year = WholeNumberField(_l("Year"), validators=[required(_l("Enter the year."))],
                            message=_l("Write the year, like 2025."))
    population_m = _count(_l("Population, men"))
    population_f = _count(_l("Population, women"))
    households = _count(_l("Households (KK)"))
    migrant_households = _count(_l("Migrant households"),
                                _l("Households with a member working abroad or back from it."))
    working_abroad = _count(_l("People working abroad"))

    def data_of(self):
        return profiles.ProfileData(**{name: getattr(self, name).data
                                       for name in ("year",) + profiles.COUNTS})


@bp.route("")
@require_role(*VIEWERS)
def index():
    return render_template("main/village.html", profiles=profiles.profiles(g.coop.id),
                           may_write=has_role(*WRITERS))


@bp.route("/new", methods=["GET", "POST"])
@require_role(*WRITERS)
def new_profile():
    form = ProfileForm()
    if not form.is_submitted():
        form.year.data = local_today(g.coop).year
    done = perform(form, lambda: profiles.record_profile(g.coop.id, form.data_of()),
                   url_for("village.index"),
                   lambda profile: _("The village profile of %(year)d was recorded.", year=profile.year))
    if done is not None:
        return done
    return form_page("main/village_form.html", form=form, profile=None)


@bp.route("/<int:profile_id>/edit", methods=["GET", "POST"])
@require_role(*WRITERS)
def edit_profile(profile_id):
    profile = profiles.get_profile(g.coop.id, profile_id)
    form = ProfileForm(obj=profile)
    done = perform(form, lambda: profiles.update_profile(g.coop.id, profile.id, form.data_of()),
                   url_for("village.index"),
                   lambda saved: _("The village profile of %(year)d was saved.", year=saved.year))
    if done is not None:
        return done
    return form_page("main/village_form.html", form=form, profile=profile)
