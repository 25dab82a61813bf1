"""Members of the indicator tests, joined through the real service (simpanan pokok and
all): a family member comes with the migrant abroad they belong to, a returnee with their
own migrant record, back home."""
from datetime import date
from itertools import count

from tests.members.helpers import migrant, register

SERIALS = count(101)


def join(coop_id, name, gender, category, joined=date(2024, 2, 1)):
    """A member registered and committed; its id."""
    links = {}
    if category == "family":
        links = dict(migrant_worker_id=migrant(coop_id, f"Migran {name}").id, relationship="spouse")
    elif category == "returnee":
        links = dict(migrant_worker_id=migrant(coop_id, name, returned=date(2025, 1, 10)).id)
    return register(coop_id, name=name, gender=gender, category=category, join_date=joined,
                    serial=next(SERIALS), **links).id
