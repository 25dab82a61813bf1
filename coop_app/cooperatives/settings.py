"""A cooperative's own settings that its manager keeps (the record itself, its name and
place, is the administrator's: cooperatives.service)."""
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from coop_app.errors import InvalidField
from coop_app.extensions import db
from coop_app.money import MAX_AMOUNT, format_money, from_sen, to_money, to_sen
from coop_app.cooperatives.models import Cooperative
from coop_app.cooperatives.service import get_cooperative

# Rp100.000: a lower threshold would ask about everyday amounts.
SMALLEST_LARGE_AMOUNT = to_money("100000")


def large_amount(cooperative: Cooperative):
    """The amount (Decimal rupiah) above which a money form asks for a second confirmation
    (when it is also above ten times the account's largest movement: web.confirmations)."""
    return from_sen(cooperative.large_amount_sen)


def set_large_amount(cooperative_id, amount):
    """Change the threshold of large amounts."""
    if amount is None:
        raise InvalidField("large_amount", _l("Enter the amount."))
    amount = to_money(amount)
    if not SMALLEST_LARGE_AMOUNT <= amount <= MAX_AMOUNT:
        locale = str(get_locale() or "id") if has_request_context() else "id"
        raise InvalidField("large_amount", _l(
            "The limit for large amounts is from %(least)s to %(most)s.",
            least=format_money(SMALLEST_LARGE_AMOUNT, locale), most=format_money(MAX_AMOUNT, locale)))
    cooperative = get_cooperative(cooperative_id)
    cooperative.large_amount_sen = to_sen(amount)
    db.session.flush()
    return cooperative
