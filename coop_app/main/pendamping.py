"""The pendamping desa's home: the surveys waiting in their village (households without a
baseline, follow-ups due) as task lines, each counting the list it links to, and the
programme pages they record on. A pendamping touches no money, so nothing here reads the
books."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from coop_app.main.tasks import Task, count_of
from coop_app.members import households
from coop_app.members.households import FOLLOW_UP_DUE, NO_BASELINE

# The programme pages a pendamping records on, as (endpoint, label): an enterprise's reports
# are recorded from its page in the enterprise list.
PAGES = (
    ("households.index", _l("Households (KK) and their surveys")),
    ("households.import_surveys", _l("Import household surveys from Excel")),
    ("enterprises.index", _l("Enterprise reports")),
    ("trainings.index", _l("Trainings and assistance")),
)


def _waiting(cooperative, survey, today):
    return count_of(households.households_query(cooperative.id, survey=survey, today=today))


def pendamping_tasks(cooperative, today):
    no_baseline = _waiting(cooperative, NO_BASELINE, today)
    due = _waiting(cooperative, FOLLOW_UP_DUE, today)
    return [
        Task("no_baseline", no_baseline,
             ngettext("%(num)d household without a baseline survey",
                      "%(num)d households without a baseline survey", no_baseline),
             url_for("households.index", coop_code=cooperative.code, survey=NO_BASELINE),
             _("The baseline is the survey at joining: every indicator of income starts from it.")),
        Task("follow_up_due", due,
             ngettext("%(num)d household due for its yearly follow-up",
                      "%(num)d households due for their yearly follow-up", due),
             url_for("households.index", coop_code=cooperative.code, survey=FOLLOW_UP_DUE),
             _("Their last survey was a year ago or more.")),
    ]


def pendamping_pages(cooperative):
    """(label, url) of the programme pages a pendamping records on."""
    return [(label, url_for(endpoint, coop_code=cooperative.code)) for endpoint, label in PAGES]
