"""Loan products (list for readers, new and edit for managers) and the schedule simulation
(treasurers and managers here; members through the portal, with the same calculator)."""
from decimal import Decimal

from flask import g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coop_app.auth.access import READERS, STAFF, require_role
from coop_app.auth.models import MANAGER
from coop_app.extensions import db
from coop_app.money import format_money
from coop_app.web import REFUSED, perform, status_of
from coop_app.web.fields import choices
from coop_app.loans import methods, queries
from coop_app.loans import models as m
from coop_app.loans import products as product_service
from coop_app.loans.forms import ProductForm, SimulationForm
from coop_app.loans.schedule import ScheduleError, build_schedule
from coop_app.loans.views import bp

# Product columns in basis points -> their form fields (refuse's `fields`, for the service's
# messages; the other columns are named as their fields).
PRODUCT_FIELDS = {column: name for name, column in ProductForm.BP_FIELDS.items()}
SIMULATION_FIELDS = {"principal": "amount", "annual_rate": "rate", "term": "term", "grace": "grace",
                     "margin": "margin", "rounding": "rounding", "frequency": "frequency",
                     "method": "method"}


def method_choices(blank=None):
    pairs = [(code, methods.label(code)) for code in methods.offered(g.coop.is_sharia)]
    return choices(([("", blank)] if blank else []) + pairs)


# -- products ------------------------------------------------------------------------------------

@bp.route("/products")
@require_role(*READERS)
def products():
    figures = {row[0]: row[1:] for row in db.session.execute(queries.active_by_product(g.coop.id)).all()}
    return render_template("loans/products.html",
                           products=product_service.list_products(g.coop.id, active=None),
                           figures=figures)


@bp.route("/products/new", methods=["GET", "POST"])
@require_role(MANAGER)
def new_product():
    form = ProductForm()
    form.method.choices = method_choices(_("Choose…"))
    done = perform(form, lambda: product_service.create_product(
        g.coop.id, code=form.code.data.strip(), **form.product_fields()), url_for("loans.products"),
        lambda product: _("Product %(code)s was created.", code=product.code), fields=PRODUCT_FIELDS)
    if done is not None:
        return done
    return render_template("loans/product_form.html", form=form, product=None), status_of(form)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@require_role(MANAGER)
def edit_product(product_id):
    product = product_service.get_product(g.coop.id, product_id)
    form = ProductForm()
    del form.code
    form.method.choices = method_choices()
    if request.method == "GET":
        form.load(product)
    done = perform(form, lambda: product_service.update_product(
        g.coop.id, product_id, **form.product_fields()), url_for("loans.products"),
        lambda product: _("Product %(code)s was saved.", code=product.code), fields=PRODUCT_FIELDS)
    if done is not None:
        return done
    return render_template("loans/product_form.html", form=form, product=product), status_of(form)


# -- simulation ----------------------------------------------------------------------------------

def simulation_form(products, staff=True):
    form = SimulationForm(formdata=request.args if request.args else None)
    form.product.choices = choices([("", "—")] + [
        (p.id, f"{p.code} · {p.name} ({methods.label(p.method)})") for p in products])
    if staff:
        form.method.choices = method_choices("—")
    else:  # members simulate the cooperative's products as they are offered
        for name in ("method", "rate", "grace", "frequency", "rounding"):
            delattr(form, name)
    return form


def simulate(form, products):
    """(schedule, product, notes) of a filled-in simulation form, or None with the errors on
    the form. Where the figures fall outside the product's limits, notes say so."""
    if not request.args or not form.validate():
        return None
    product = next((p for p in products if p.id == form.product.data), None)
    method = product.method if product else form.method.data if "method" in form else None
    if not method:
        form.product.errors = list(form.product.errors) + [
            _("Choose a product or a method.") if "method" in form else _("Choose a product.")]
        return None
    typed_rate = form.rate.data if "rate" in form else None
    rate_bp = typed_rate if typed_rate is not None else product.rate_bp if product else 0
    margin = form.margin.data
    if margin is not None and methods.of(method).sale and typed_rate is None:
        rate_bp = 0  # the margin is given as an amount instead of the product's rate

    def setting(name, product_value, default):
        value = form[name].data if name in form else None
        return value if value not in (None, "") else product_value if product else default

    try:
        schedule = build_schedule(
            methods.of(method).schedule_rule, form.amount.data, Decimal(rate_bp) / 100, form.term.data, form.start.data,
            frequency=setting("frequency", product and product.frequency, m.MONTHLY),
            grace=setting("grace", product and product.grace_periods, 0),
            rounding=Decimal(setting("rounding", product and product.rounding, 1)), margin=margin)
    except ScheduleError as error:
        name = SIMULATION_FIELDS.get(error.field, error.field)
        target = form[name] if name in form else form.amount
        target.errors = list(target.errors) + [str(error)]
        return None
    return schedule, product, _limits_notes(product, form.amount.data, form.term.data), method


def _limits_notes(product, amount, term):
    if product is None:
        return []
    notes = []
    if amount < product.min_amount or amount > product.max_amount:
        notes.append(_l("The product lends from %(low)s to %(high)s.", low=_money(product.min_amount),
                        high=_money(product.max_amount)))
    if term < product.min_term or term > product.max_term:
        notes.append(_l("The product's term is %(low)s to %(high)s instalments.",
                        low=product.min_term, high=product.max_term))
    return notes


def _money(amount):
    return format_money(amount, str(get_locale()))


def render_simulation(template, staff, **context):
    products = product_service.list_products(g.coop.id)
    form = simulation_form(products, staff=staff)
    result = simulate(form, products)
    status = REFUSED if request.args and result is None else 200
    return render_template(template, form=form, result=result, **context), status


@bp.route("/simulate")
@require_role(*STAFF)
def simulate_page():
    return render_simulation("loans/simulate.html", staff=True)
