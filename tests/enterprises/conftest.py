"""The enterprise tests use the member page tests' world."""
import pytest

from tests.members.pages import build_people


@pytest.fixture
def people(app, world):
    return build_people(app, world)
