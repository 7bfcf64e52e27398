"""`fieldapp --version`, help for every verb and option, `record --help`'s kinds and format,
and `fieldapp amend ID` (issue 13, point 14). Real `python -m fieldapp` processes."""

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from core_fixtures import FAST, observation

from fieldapp.cli.main import build_parser
from fieldapp.model import KINDS
from fieldapp.services import create_device

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)

ROOT = Path(__file__).resolve().parents[2]
PW = "tinned peaches at dawn"


def fieldapp(*args: str, data_dir: Path | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env.update(FIELDAPP_PASSPHRASE=PW, PYTHONPATH=str(ROOT))
    if data_dir is not None:
        env["FIELDAPP_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "fieldapp", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_version_is_the_packages():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert ok(fieldapp("--version")).strip() == f"fieldapp {version}"


def _parsers(parser: argparse.ArgumentParser, path: str = "fieldapp"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                assert helps.get(name), f"`{path} {name}` has no help line"
                yield from _parsers(sub, f"{path} {name}")


def test_every_verb_and_option_has_help():
    missing = [
        f"{path}: {action.option_strings or action.dest}"
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction | argparse._VersionAction)
        and not action.help
    ]
    assert missing == []


def test_record_help_lists_the_kinds_and_points_to_the_format():
    text = " ".join(ok(fieldapp("record", "--help")).split())
    for kind in KINDS:
        assert kind in text
    assert "docs/record-format.md" in text and '{"place": "Sirte"}' in text
    assert (ROOT / "docs" / "record-format.md").is_file()
    assert "amend" in ok(fieldapp("--help"))


@pytest.fixture
def finalized(tmp_path: Path) -> tuple[Path, str]:
    data_dir = tmp_path / "device"
    with create_device(data_dir, PW, kdf=FAST) as device:
        record_id = device.record(observation(description="two vehicles"), finalize=True)
    return data_dir, record_id


def test_amend_prefills_from_the_original_and_applies_the_json_changes(finalized, tmp_path: Path):
    data_dir, original = finalized
    changes = {"description": "three vehicles, not two", "details": {"count": 3}}
    new_id = ok(
        fieldapp("amend", original, "--json", "-", "--finalize", data_dir=data_dir, stdin=json.dumps(changes))
    )
    new_id = new_id.strip()
    shown = json.loads(ok(fieldapp("show", new_id, "--json", data_dir=data_dir)))
    assert shown["amends"] == original and shown["state"] == "queued" and shown["seq"] == 2
    assert shown["description"] == "three vehicles, not two"
    before = json.loads(ok(fieldapp("show", original, "--json", data_dir=data_dir)))
    assert shown["details"] == {**before["details"], "count": 3}  # the rest kept from the original
    assert shown["location"] == before["location"] and shown["observed_at"] == before["observed_at"]

    draft = ok(fieldapp("amend", original, data_dir=data_dir)).strip()  # no changes: a prefilled draft
    shown = json.loads(ok(fieldapp("show", draft, "--json", data_dir=data_dir)))
    assert (
        shown["state"] == "draft" and shown["amends"] == original and shown["description"] == "two vehicles"
    )


def test_amend_refuses_a_draft_an_unknown_id_and_bad_changes(finalized):
    data_dir, original = finalized
    draft = ok(fieldapp("amend", original, data_dir=data_dir)).strip()
    assert (
        "only a finalized observation can be amended"
        in error_line(fieldapp("amend", draft, data_dir=data_dir)).lower()
    )
    assert "no observation" in error_line(
        fieldapp("amend", "00000000-0000-4000-8000-000000000000", data_dir=data_dir)
    )
    line = error_line(
        fieldapp("amend", original, "--json", "-", data_dir=data_dir, stdin='[{"a": 1}, {"b": 2}]')
    )
    assert "one JSON object" in line
    # another kind is a reclassification: the original's details belonged to its kind, so they go
    other = ok(
        fieldapp("amend", original, "--json", "-", data_dir=data_dir, stdin='{"kind": "other"}')
    ).strip()
    shown = json.loads(ok(fieldapp("show", other, "--json", data_dir=data_dir)))
    assert shown["kind"] == "other" and shown["details"] == {} and shown["amends"] == original
    line = error_line(
        fieldapp("amend", original, "--json", "-", data_dir=data_dir, stdin='{"details": {"count": -1}}')
    )
    assert "details.count" in line


def test_the_package_version_is_one_number():
    import fieldapp

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert fieldapp.__version__ == version
