"""The training pages: the cooperative's trainings, recording and editing one, its
participants (added by member number or from the list of members on its day, with their
certificates), and the assistance recorded from an enterprise's page.

The programme's staff (treasurer, manager, pendamping) write; auditors read. Each view
parses its form and runs one service call through the web kit's `perform`.
"""
from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coop_app.auth.access import PROGRAMME_STAFF, READERS, coop_blueprint, require_role
from coop_app.auth.models import PENDAMPING
from coop_app.enterprises.service import get_enterprise
from coop_app.registry import Panel
from coop_app.trainings import service
from coop_app.trainings.forms import (ASSISTANCE_KIND_LABELS, TRAINING_TYPE_LABELS, AssistanceForm,
                                      CertificateForm, ParticipantForm, RemoveForm, TrainingForm)
from coop_app.web import filter_values, form_page, paginate, perform, status_of
from coop_app.web.fields import ChoiceField, TextForm, choices

bp = coop_blueprint("trainings", __name__, "/trainings")
VIEWERS = (*READERS, PENDAMPING)


@bp.context_processor
def training_labels():
    return {"training_type_labels": TRAINING_TYPE_LABELS,
            "assistance_kind_labels": ASSISTANCE_KIND_LABELS}


class TrainingFilterForm(TextForm):
    class Meta:
        csrf = False  # a filter changes nothing

    training_type = ChoiceField(_l("Kind of training"), choices=choices(
        [("", _l("All kinds"))] + list(TRAINING_TYPE_LABELS.items())))


def _training_data(form):
    return service.TrainingData(training_type=form.training_type.data, title=form.title.data,
                                held_on=form.held_on.data, provider=form.provider.data)


@bp.route("/")
@require_role(*VIEWERS)
def index():
    form = TrainingFilterForm(formdata=request.args)
    kind = filter_values(form)["training_type"] or None
    pagination = paginate(service.trainings_query(g.coop.id, kind))
    counts = service.participant_counts(g.coop.id, [t.id for t in pagination.items])
    return render_template("trainings/index.html", form=form, pagination=pagination, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def new():
    form = TrainingForm()
    done = perform(form, lambda: service.create_training(g.coop.id, _training_data(form),
                                                         created_by=current_user.id),
                   lambda training: url_for("trainings.detail", training_id=training.id),
                   _("The training was recorded; now add its participants."))
    if done is not None:
        return done
    return form_page("trainings/form.html", form=form, training=None)


@bp.route("/<int:training_id>/edit", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def edit(training_id):
    training = service.get_training(g.coop.id, training_id)  # outside perform: a 404
    form = TrainingForm(obj=training)
    done = perform(form, lambda: service.update_training(g.coop.id, training.id, _training_data(form)),
                   url_for("trainings.detail", training_id=training.id), _("The training was saved."))
    if done is not None:
        return done
    return form_page("trainings/form.html", form=form, training=training)


def _member_choices(training):
    """The pick list: members on the training's day who are not participants yet."""
    return choices([("", _("Choose…"))] + [(m.id, f"{m.name} ({m.member_number})")
                                          for m in service.eligible_members(g.coop.id, training)])


def _detail_page(training, form):
    form.member.choices = _member_choices(training)
    return render_template("trainings/detail.html", training=training, form=form,
                           remove_form=RemoveForm(),
                           participants=service.participants(g.coop.id, training.id)), status_of()


@bp.route("/<int:training_id>")
@require_role(*VIEWERS)
def detail(training_id):
    training = service.get_training(g.coop.id, training_id)
    return _detail_page(training, ParticipantForm())


@bp.route("/<int:training_id>/participants", methods=["POST"])
@require_role(*PROGRAMME_STAFF)
def add_participant(training_id):
    training = service.get_training(g.coop.id, training_id)  # outside perform: a 404
    form = ParticipantForm()
    form.member.choices = _member_choices(training)
    done = perform(form, lambda: service.add_participant(
        g.coop.id, training.id, member_id=form.member.data, member_number=form.member_number.data,
        certified=form.certified.data, certificate_number=form.certificate_number.data),
        url_for("trainings.detail", training_id=training.id),
        _("The participant was added."))
    if done is not None:
        return done
    return _detail_page(training, form)


@bp.route("/<int:training_id>/participants/<int:participant_id>/certificate", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def certificate(training_id, participant_id):
    training = service.get_training(g.coop.id, training_id)  # outside perform: a 404
    participant = service.get_participant(g.coop.id, participant_id, training.id)
    member = next(m for p, m in service.participants(g.coop.id, training.id) if p.id == participant.id)
    form = CertificateForm(obj=participant)
    done = perform(form, lambda: service.update_certificate(
        g.coop.id, participant.id, form.certified.data, form.certificate_number.data),
        url_for("trainings.detail", training_id=training.id), _("The certificate was saved."))
    if done is not None:
        return done
    return form_page("trainings/certificate.html", form=form, training=training, member=member)


@bp.route("/<int:training_id>/participants/<int:participant_id>/remove", methods=["POST"])
@require_role(*PROGRAMME_STAFF)
def remove_participant(training_id, participant_id):
    training = service.get_training(g.coop.id, training_id)  # outside perform: a 404
    participant = service.get_participant(g.coop.id, participant_id, training.id)
    form = RemoveForm()
    done = perform(form, lambda: service.remove_participant(g.coop.id, participant.id),
                   url_for("trainings.detail", training_id=training.id),
                   _("The participant was removed."))
    if done is not None:
        return done
    return _detail_page(training, ParticipantForm())


@bp.route("/assistance/<int:enterprise_id>/new", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def new_assistance(enterprise_id):
    enterprise = get_enterprise(g.coop.id, enterprise_id)  # outside perform: a 404
    form = AssistanceForm()
    done = perform(form, lambda: service.record_assistance(
        g.coop.id, enterprise.id, service.AssistanceData(
            given_on=form.given_on.data, kind=form.kind.data, description=form.description.data,
            provider=form.provider.data, value=form.value.data), created_by=current_user.id),
        url_for("enterprises.detail", enterprise_id=enterprise.id),
        _("The assistance was recorded."))
    if done is not None:
        return done
    return form_page("trainings/assistance_form.html", form=form, enterprise=enterprise)


# -- panels of lower packages' pages (the registry's member_panels and enterprise_panels) ----

def _member_panel(cooperative_id, member):
    return {"attended": service.member_trainings(cooperative_id, member.id),
            "type_labels": TRAINING_TYPE_LABELS}


def _assistance_panel(cooperative_id, enterprise):
    rows, total = service.enterprise_assistance(cooperative_id, enterprise.id)
    return {"enterprise": enterprise, "assistance": rows, "total": total,
            "kind_labels": ASSISTANCE_KIND_LABELS}


MEMBER_PANEL = Panel("trainings", "trainings/_member_panel.html", _member_panel)
ENTERPRISE_PANEL = Panel("assistance", "trainings/_assistance_panel.html", _assistance_panel)
