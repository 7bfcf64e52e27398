"""`fieldapp init` and `fieldapp passphrase` refuse what the app refuses (issue 13, point 13).

The policy is one function in the services layer (`fieldapp.services.passphrase_policy`);
the app's set-up screen and the command line both ask it. Real `python -m fieldapp` processes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from core_fixtures import observation

from fieldapp.services.passphrase_policy import check_passphrase

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)

ROOT = Path(__file__).resolve().parents[2]
GOOD = "tinned peaches at dawn"


def run(data_dir: Path, *args: str, stdin: str = "", **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env.update(FIELDAPP_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), **env_vars)
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("weak", "says"),
    [
        ("short one", "too short: use at least 10 characters"),
        ("Password1234", "too easy to guess"),
        ("1234567890", "too easy to guess"),
        ("ababababcc", "too few different characters"),
    ],
)
def test_init_refuses_what_the_app_refuses_and_creates_nothing(tmp_path: Path, weak: str, says: str):
    assert not check_passphrase(weak).acceptable  # the app's verdict
    data_dir = tmp_path / "device"
    line = one_line(run(data_dir, "init", FIELDAPP_PASSPHRASE=weak))
    assert says in line.lower() and "nothing was created" in line, line
    assert not (data_dir / "vault.json").exists()


def test_passphrase_refuses_a_weak_new_one_and_keeps_the_old(tmp_path: Path):
    data_dir = tmp_path / "device"
    assert run(data_dir, "init", FIELDAPP_PASSPHRASE=GOOD).returncode == 0
    record = run(data_dir, "record", "--json", "-", stdin=json.dumps(observation()), FIELDAPP_PASSPHRASE=GOOD)
    assert record.returncode == 0, record.stderr
    line = one_line(
        run(data_dir, "passphrase", FIELDAPP_PASSPHRASE=GOOD, FIELDAPP_NEW_PASSPHRASE="qwertyuiop")
    )
    assert "too easy to guess" in line.lower() and "not changed" in line, line
    assert run(data_dir, "list", FIELDAPP_PASSPHRASE=GOOD).returncode == 0  # the old one still opens it
    changed = run(data_dir, "passphrase", stdin=f"{GOOD}\nsalted almonds by the sea\n")
    assert changed.returncode == 0, changed.stderr
    assert run(data_dir, "list", FIELDAPP_PASSPHRASE="salted almonds by the sea").returncode == 0
