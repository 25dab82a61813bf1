"""The member tests' uploads go to a folder of their own. (Their world, `people`, is in
tests/conftest.py: the enterprise tests share it.)"""
import pytest


@pytest.fixture(autouse=True)
def import_folder(request, tmp_path):
    """Uploads waiting for confirmation go to the test's own folder, not instance/."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["MEMBER_IMPORT_FOLDER"] = str(tmp_path / "imports")
