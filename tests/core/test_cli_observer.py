"""The observer's command line end to end on a real data dir.

The main flow and the required bad inputs run `python -m fieldapp` in a subprocess (what a
script meets); further cases call the same `main()` in-process, which is the same code path
without paying the interpreter's start-up each time.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from core_fixtures import observation

from fieldapp.cli.main import main

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
PW = "tinned peaches at dawn"  # the passphrase policy's "fair" at least: `init` refuses weaker


def clean_env(data_dir, passphrase, extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("FIELDAPP_")}
    env["FIELDAPP_DATA_DIR"] = str(data_dir)
    if passphrase is not None:
        env["FIELDAPP_PASSPHRASE"] = passphrase
    env.update(extra)
    return env


def run(data_dir, *args, stdin="", passphrase=PW, **extra):
    """`python -m fieldapp ARGS` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean_env(data_dir, passphrase, extra),
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def cli(monkeypatch, capsys):
    """`fieldapp ARGS` in-process, returning the same shape as subprocess.run."""

    def call(data_dir, *args, stdin="", passphrase=PW, **extra):
        for key in [key for key in os.environ if key.startswith("FIELDAPP_")]:
            monkeypatch.delenv(key)
        for key, value in clean_env(data_dir, passphrase, extra).items():
            if key.startswith("FIELDAPP_"):
                monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return call


def ok(result):
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def fails(result, *words):
    """One line on stderr, no traceback, a non-zero exit, and the line says what went wrong."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_scripted_flow_in_a_subprocess(tmp_path):
    data_dir = tmp_path / "device"
    out = ok(run(data_dir, "init"))
    assert "created" in out and "fingerprint" in out

    one = tmp_path / "one.json"
    one.write_text(json.dumps(observation(description="single object")))
    ids = ok(run(data_dir, "record", "--kind", "violation", "--json", str(one))).split()
    array = json.dumps([observation(description="array 1"), observation(description="array 2")])
    ids += ok(run(data_dir, "record", "--json", "-", stdin=array)).split()
    lines = "\n".join(json.dumps(observation(description=f"line {i}")) for i in range(3)) + "\n"
    # without the env var, the first stdin line is the passphrase and the rest the records
    ids += ok(
        run(data_dir, "record", "--json", "-", "--finalize", stdin=f"{PW}\n" + lines, passphrase=None)
    ).split()
    assert len(ids) == 6 and len(set(ids)) == 6

    assert "finalized as record 4" in ok(run(data_dir, "finalize", ids[0]))
    records = json.loads(ok(run(data_dir, "list", "--json")))
    # newest first, where finalizing counts as new: the record just signed leads
    assert [r["id"] for r in records] == [ids[0], *reversed(ids[1:])]
    assert {r["description"]: r["state"] for r in records}["single object"] == "queued"
    finalized = sorted((r for r in records if r["state"] == "queued"), key=lambda r: r["seq"])
    assert [r["seq"] for r in finalized] == [1, 2, 3, 4]
    assert all(r["signature"] and r["recorded_at"] and r["device_id"] for r in finalized)
    assert [r["prev_hash"] is None for r in finalized] == [True, False, False, False]
    shown = json.loads(ok(run(data_dir, "show", ids[0], "--json")))
    assert shown["seq"] == 4 and [step["state"] for step in shown["history"]] == ["draft", "queued"]

    # the bad inputs the brief names: each one line, no traceback, nothing half-written
    assert "not valid JSON" in fails(run(data_dir, "record", "--json", "-", stdin="{not json"))
    invalid = [observation(), observation(details={"type": "shelling", "count": -1})]
    fails(run(data_dir, "record", "--json", "-", stdin=json.dumps(invalid)), "record 2 of 2", "details.count")
    fails(run(data_dir, "show", UNKNOWN_ID), "no observation")
    fails(run(data_dir, "list", passphrase="wrong"), "wrong passphrase")
    fails(run(data_dir, "list", passphrase=None), "no passphrase")
    assert json.loads(ok(run(data_dir, "list", "--json"))) == records


def test_more_bad_inputs(cli, tmp_path):
    data_dir = tmp_path / "device"
    ok(cli(data_dir, "init"))
    kept = ok(cli(data_dir, "record", "--json", "-", stdin=json.dumps(observation()))).strip()
    jsonl = json.dumps(observation()) + "\n{oops\n"
    fails(cli(data_dir, "record", "--json", "-", stdin=jsonl), "line 2")
    fails(cli(data_dir, "record", "--json", "-", stdin="[]"), "no observations")
    fails(cli(data_dir, "record", "--json", "-", stdin='"text"'), "JSON object")
    fails(cli(data_dir, "record", "--json", "-", stdin="[1]"), "record 1 of 1", "object")
    fails(cli(data_dir, "record", "--kind", "other", "--json", "-", stdin=json.dumps(observation())), "kind")
    fails(cli(data_dir, "record", "--kind", "nonsense", "--json", "-", stdin="{}"), "--kind")
    fails(cli(data_dir, "record", "--json", str(tmp_path / "missing.json")), "cannot read")
    dup = json.dumps([observation(id=kept)])
    fails(cli(data_dir, "record", "--json", "-", stdin=dup), "record 1 of 1", "id")
    fails(cli(data_dir, "finalize", UNKNOWN_ID), "no observation")
    fails(cli(data_dir, "list", "--state", "lost"), "--state")
    fails(cli(tmp_path / "empty", "list"), "no device")
    fails(cli(data_dir, "init"), "already")
    ok(cli(data_dir, "finalize", kept))
    fails(cli(data_dir, "finalize", kept), "draft")
    records = json.loads(ok(cli(data_dir, "list", "--json")))
    assert [r["id"] for r in records] == [kept]
    assert ok(cli(data_dir, "list", "--state", "draft")).strip() == "no observations"


def test_passphrase_change_and_wipe(cli, tmp_path):
    directory = tmp_path / "dev"
    ok(cli(directory, "init"))
    record_id = ok(cli(directory, "record", "--json", "-", stdin=json.dumps(observation()))).strip()
    fails(
        cli(directory, "passphrase", passphrase="nope", FIELDAPP_NEW_PASSPHRASE="salted almonds by the sea"),
        "wrong passphrase",
    )
    ok(cli(directory, "passphrase", stdin=f"{PW}\nsalted almonds by the sea\n", passphrase=None))
    fails(cli(directory, "list"), "wrong passphrase")
    assert (
        json.loads(ok(cli(directory, "list", "--json", passphrase="salted almonds by the sea")))[0]["id"]
        == record_id
    )
    fails(cli(directory, "wipe"), "--yes")
    assert (directory / "vault.json").exists()
    ok(cli(directory, "wipe", "--yes", passphrase=None))
    assert not any(directory.iterdir())
    fails(cli(directory, "list", passphrase="salted almonds by the sea"), "no device")


def test_wiping_a_dir_without_a_device_says_so_and_fails(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not ours")
    for directory in (empty, tmp_path / "missing"):
        result = run(directory, "wipe", "--yes", passphrase=None)
        line = fails(result, "no device", str(directory))
        assert "wiped" not in result.stdout and "nothing was wiped" in line
    assert (empty / "notes.txt").read_text() == "not ours"


def test_wiping_what_a_half_done_wipe_left_still_wipes(cli, tmp_path):
    """A vault already destroyed (power cut mid-wipe) but the database left: wipe finishes the job."""
    directory = tmp_path / "dev"
    ok(cli(directory, "init"))
    ok(cli(directory, "record", "--json", "-", stdin=json.dumps(observation())))
    (directory / "vault.json").unlink()
    assert "wiped" in ok(cli(directory, "wipe", "--yes", passphrase=None))
    assert not any(directory.iterdir())
