"""The member page tests' world: members, a migrant and enterprises in two cooperatives;
and a folder of their own for uploaded files."""
import pytest

from tests.members.pages import build_people


@pytest.fixture
def people(app, world):
    return build_people(app, world)


@pytest.fixture(autouse=True)
def import_folder(request, tmp_path):
    """Uploads waiting for confirmation go to the test's own folder, not instance/."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["MEMBER_IMPORT_FOLDER"] = str(tmp_path / "imports")
