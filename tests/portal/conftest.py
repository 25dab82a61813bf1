import pytest

from tests.remittances.helpers import build_families


@pytest.fixture
def families(app):
    with app.app_context():
        return build_families()
