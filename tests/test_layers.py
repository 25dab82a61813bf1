"""The layer rule of pyproject.toml ([tool.importlinter]): imports run downward only, imports
inside functions included. The repository keeps it, and the check does catch an upward import
hidden in a function (on a copy of the package, so the repository is never touched)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# import-linter's `lint-imports` command, run by this interpreter (the console script is only
# a wrapper around it).
LINT_IMPORTS = ("import sys; from importlinter.cli import lint_imports_command; "
                "sys.argv[0] = 'lint-imports'; sys.exit(lint_imports_command())")
UPWARD = '''

def _upward():
    from coop_app.loans import models  # a use case's model read by savings: upward
    return models
'''


def lint_imports(cwd, pythonpath=None):
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache"], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_the_repository_keeps_its_layers():
    code, output = lint_imports(ROOT)
    assert code == 0, output
    assert "0 broken" in output


def test_an_upward_import_inside_a_function_is_caught(tmp_path):
    shutil.copytree(ROOT / "coop_app", tmp_path / "coop_app",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    check = tmp_path / "coop_app" / "savings" / "check.py"
    check.write_text(check.read_text() + UPWARD)

    # the copy, not the installed (editable) package, is the one found
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    found = subprocess.run([sys.executable, "-c", "import coop_app; print(coop_app.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert Path(found.stdout.strip()).resolve() == (tmp_path / "coop_app" / "__init__.py").resolve(), found

    code, output = lint_imports(tmp_path, pythonpath=tmp_path)
    assert code != 0, output
    assert "coop_app.savings.check -> coop_app.loans.models" in output
    assert "BROKEN" in output
