"""`show`, `finalize` and `amend` take a unique prefix of an id, as git does (issue 13, point 15).
Real `python -m fieldapp` processes on a real data dir."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from core_fixtures import FAST, observation

from fieldapp.services import create_device

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)

ROOT = Path(__file__).resolve().parents[2]
PW = "tinned peaches at dawn"
IDS = (
    "abcd1111-0000-4000-8000-000000000001",
    "abcd2222-0000-4000-8000-000000000002",
    "ef012345-0000-4000-8000-000000000003",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("prefix") / "device"
    with create_device(path, PW, kdf=FAST) as device:
        for record_id in IDS:
            device.record(observation(id=record_id, description=f"record {record_id[:8]}"))
    return path


def fieldapp(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env.update(FIELDAPP_DATA_DIR=str(data_dir), FIELDAPP_PASSPHRASE=PW, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_show_takes_a_unique_prefix(data_dir):
    for prefix in ("abcd1", "ABCD1111", "ef01", IDS[2]):
        done = fieldapp(data_dir, "show", prefix, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["id"] == (IDS[0] if prefix.lower().startswith("abcd") else IDS[2])


def test_an_ambiguous_prefix_lists_the_candidates(data_dir):
    line = error_line(fieldapp(data_dir, "show", "abcd"))
    assert "ambiguous" in line and IDS[0] in line and IDS[1] in line and IDS[2] not in line, line


def test_an_unknown_or_too_short_prefix_says_so(data_dir):
    assert "no observation" in error_line(fieldapp(data_dir, "show", "9999"))
    assert "at least 4" in error_line(fieldapp(data_dir, "show", "ab"))
    assert "not an observation id" in error_line(fieldapp(data_dir, "show", "abcd%"))


def test_finalize_and_amend_take_a_prefix_too(data_dir):
    done = fieldapp(data_dir, "finalize", "ef01")
    assert done.returncode == 0 and IDS[2] in done.stdout, done.stderr
    amended = fieldapp(data_dir, "amend", "ef012")
    assert amended.returncode == 0, amended.stderr
    shown = json.loads(fieldapp(data_dir, "show", amended.stdout.strip(), "--json").stdout)
    assert shown["amends"] == IDS[2]
