"""The cooperative's settings its manager keeps (/c/<code>/settings): the limit above which
a deposit, withdrawal, repayment, disbursement or voucher asks for a second confirmation
(web.confirmations). The administrator keeps the record itself (name, place, zone)."""
from flask import g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from coop_app.auth.access import require_role
from coop_app.auth.models import MANAGER
from coop_app.cooperatives.settings import large_amount, set_large_amount
from coop_app.main.views import coop_bp
from coop_app.web import form_page, perform
from coop_app.web.fields import MoneyField, required


class SettingsForm(FlaskForm):
    large_amount = MoneyField(
        _l("Ask for a second confirmation above (Rp)"), validators=[required(_l("Enter the amount."))],
        description=_l("A deposit, withdrawal, repayment, disbursement or voucher above this amount "
                       "and above ten times the largest amount its account has moved so far is "
                       "posted only after a second confirmation (an account that has not moved "
                       "money yet: above this amount alone)."))


@coop_bp.route("/settings", methods=["GET", "POST"])
@require_role(MANAGER)
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.large_amount.data = large_amount(g.coop)
    done = perform(form, lambda: set_large_amount(g.coop.id, form.large_amount.data),
                   url_for("coop.settings"), _("The settings were saved."))
    if done is not None:
        return done
    return form_page("main/settings.html", form=form)
