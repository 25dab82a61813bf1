"""How a face tells a person no: a refused form is shown again with the message next to the
field it is about (or at the top) and answers 422; a GET filter that does not parse is
flashed and ignored. Nothing a refused request flushed is kept."""
from flask import flash, render_template, request
from flask_babel import gettext as _

from coop_app.errors import InvalidField
from coop_app.extensions import db

REFUSED = 422  # a form sent back with what was wrong: nothing was written
UNSHOWN = ("HiddenField", "SubmissionKeyField", "CSRFTokenField")


def refuse(error, form=None, fields=None):
    """A service said no: undo whatever was flushed and show why, next to the form field
    it is about when there is one (`fields` maps a service's argument names to the form's
    field names), otherwise as a message at the top of the page."""
    db.session.rollback()
    name = (fields or {}).get(error.field, error.field) if isinstance(error, InvalidField) else None
    if form is not None and name and name in form and form[name].type not in UNSHOWN:
        form[name].errors = list(form[name].errors) + [str(error)]
    else:
        flash(str(error), "danger")


def status_of(form=None):
    """A form's page answers 422 on a POST (every accepted submission redirects)."""
    return REFUSED if request.method == "POST" else 200


def form_page(template, **context):
    """A form's page, with status_of's status."""
    return render_template(template, **context), status_of()


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
