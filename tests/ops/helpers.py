"""What the ops tests share: the JSON lines the app wrote to stderr, a free port, and a
`flask`/`python` run in a process of its own with the deployment's environment."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
A_REAL_SECRET = "0123456789abcdef" * 4  # 64 characters, as secrets.token_hex(32) gives


def json_lines(stderr, logger=None):
    """The JSON log lines in captured stderr (of one logger if named)."""
    lines = []
    for text in stderr.splitlines():
        if text.startswith("{"):
            line = json.loads(text)
            if logger is None or line.get("logger") == logger:
                lines.append(line)
    return lines


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deployment_env(database_url, **variables):
    """The environment of a deployment: COOP_* from `variables` only (none inherited)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("COOP_")}
    env.update({"FLASK_APP": "coop_app", "COOP_DATABASE_URL": database_url, **variables})
    return env


def run(env, *args, timeout=60):
    """`python *args` (e.g. "-m", "flask", ...) in the repository, as an operator would."""
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
