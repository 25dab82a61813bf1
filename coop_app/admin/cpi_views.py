"""The administrator's consumer price index table (/admin/cpi): one value per province and
year (cooperatives/prices.py), by which the programme's real incomes are deflated. On the
admin blueprint, beside the cooperatives and users."""
from flask import render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from coop_app.admin.views import bp
from coop_app.auth.access import require_role
from coop_app.auth.models import ADMIN
from coop_app.cooperatives import prices, regions
from coop_app.cooperatives.clock import local_today
from coop_app.web import filter_values, form_page, paginate, perform
from coop_app.web.fields import ChoiceField, TextForm, WholeNumberField, at_most, choices, required


def _provinces(blank):
    return choices([("", blank)] + [(r.code, r.name) for r in regions.provinces()])


class IndexForm(TextForm):
    province_code = ChoiceField(_l("Province"), validators=[required(_l("Choose the province."))])
    year = WholeNumberField(_l("Year"), validators=[required(_l("Enter the year."))],
                            message=_l("Write the year, like 2025."))
    # Text, read by the service as an exact Decimal with either separator.
    value = StringField(_l("Consumer price index (2022 = 100)"),
                        validators=[required(_l("Enter the index.")), at_most(20)],
                        render_kw={"inputmode": "decimal"},
                        description=_l("As BPS publishes it, e.g. 112,34."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province_code.choices = _provinces(_("Choose…"))


class IndexFilterForm(FlaskForm):
    class Meta:
        csrf = False

    province = ChoiceField(_l("Province"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = _provinces(_("Every province"))


def _typed(value):
    """An index as the reader types it: 112,34 in Indonesian, 112.34 in English."""
    return format_decimal(value, format="0.00")


class DeleteForm(FlaskForm):
    """The button that removes an index: nothing but the CSRF token."""


@bp.route("/cpi")
@require_role(ADMIN)
def price_indexes():
    form = IndexFilterForm(formdata=request.args)
    province = filter_values(form)["province"] or None
    return render_template("admin/cpi.html", form=form, delete_form=DeleteForm(),
                           pagination=paginate(prices.indexes_query(province)),
                           province_name=regions.name_of, typed=_typed)


@bp.route("/cpi/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new_price_index():
    form = IndexForm()
    if not form.is_submitted():
        form.year.data = local_today().year - 1  # BPS publishes a year's index after it ends
    done = perform(form, lambda: prices.add_index(form.province_code.data, form.year.data,
                                                  form.value.data),
                   url_for("admin.price_indexes"), _("The price index was saved."))
    if done is not None:
        return done
    return form_page("admin/cpi_form.html", form=form, index=None)


@bp.route("/cpi/<int:index_id>/edit", methods=["GET", "POST"])
@require_role(ADMIN)
def edit_price_index(index_id):
    index = prices.get_index(index_id)
    form = IndexForm(obj=index)
    if not form.is_submitted():
        form.value.data = _typed(index.value)
    done = perform(form, lambda: prices.update_index(index.id, form.province_code.data,
                                                     form.year.data, form.value.data),
                   url_for("admin.price_indexes"), _("The price index was saved."))
    if done is not None:
        return done
    return form_page("admin/cpi_form.html", form=form, index=index)


@bp.route("/cpi/<int:index_id>/delete", methods=["POST"])
@require_role(ADMIN)
def delete_price_index(index_id):
    index = prices.get_index(index_id)  # outside perform: an unknown index is a 404
    name, year = regions.name_of(index.province_code), index.year
    done = perform(DeleteForm(), lambda: prices.delete_index(index.id), url_for("admin.price_indexes"),
                   _("The price index of %(province)s for %(year)d was removed.", province=name, year=year))
    return done if done is not None else price_indexes()
