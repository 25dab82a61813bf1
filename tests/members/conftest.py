"""The member page tests' world: members, a migrant and enterprises in two cooperatives."""
import pytest

from .pages import build_people


@pytest.fixture
def people(app, world):
    return build_people(app, world)
