"""The member's own household (/c/<code>/me/household): their family card, masked but for
its last four digits, the members linked to it and its economic surveys.

Only the member role reaches this page, and the household is the one of the member whose
user is logged in: there is no household id in the URL, so no other household can be asked
for.
"""
from flask import g, render_template

from coop_app.auth.models import MEMBER
from coop_app.auth.access import require_role
from coop_app.members import households, surveys
from coop_app.members.household_forms import INCOME_LABELS, KIND_LABELS
from coop_app.portal.views import _own_member, bp


def masked_kk(kk_number):
    """A KK number for a screen a phone may show to others: all but its last four digits hidden."""
    return "•" * (len(kk_number) - 4) + kk_number[-4:]


@bp.route("/household")
@require_role(MEMBER)
def household():
    member = _own_member()
    record = households.household_of(member)
    return render_template(
        "portal/household.html", member=member, household=record,
        kk=masked_kk(record.kk_number) if record else None,
        members=households.household_members(g.coop.id, record.id) if record else [],
        surveys=surveys.household_surveys(g.coop.id, record.id) if record else [],
        kind_labels=KIND_LABELS, income_labels=INCOME_LABELS, edit=False)
