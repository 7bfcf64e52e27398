"""`fieldapp record`'s input (issue 13, point 12): errors at the file's real line and column,
and a place from the offline gazetteer by name or id instead of coordinates.

Real `python -m fieldapp` processes on a real data dir (made once for the module).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from core_fixtures import FAST, observation

from fieldapp.services import create_device
from sync.places import load_places

ROOT = Path(__file__).resolve().parents[2]
PW = "tinned peaches at dawn"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input") / "device"
    create_device(path, PW, kdf=FAST).lock()
    return path


def fieldapp(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env.update(FIELDAPP_DATA_DIR=str(data_dir), FIELDAPP_PASSPHRASE=PW, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "fieldapp", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def record_file(data_dir: Path, tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    return fieldapp(data_dir, "record", "--json", str(path), *args)


def test_a_syntax_error_in_a_pretty_printed_array_points_at_its_line_and_column(data_dir, tmp_path):
    text = json.dumps([observation(), observation()], indent=2)
    lines = text.splitlines()
    broken = next(i for i, line in enumerate(lines) if '"certainty"' in line and i > len(lines) // 2)
    lines[broken] = lines[broken].rstrip(",")  # a missing comma
    line = error_line(record_file(data_dir, tmp_path, "\n".join(lines)))
    column = len(lines[broken + 1]) - len(lines[broken + 1].lstrip()) + 1
    assert f"input.json, line {broken + 2}, column {column}: not valid JSON" in line, line
    assert "line 1" not in line


def test_a_syntax_error_in_json_lines_points_at_its_line_and_column(data_dir):
    good = json.dumps(observation())
    text = "\n".join([good, "", good, '{"kind": "other", "description": nope}', good])
    line = error_line(fieldapp(data_dir, "record", "--json", "-", stdin=text))
    column = text.splitlines()[3].index("nope") + 1
    assert f"standard input, line 4, column {column}: not valid JSON" in line, line
    assert "line 1" not in line


def test_an_invalid_record_is_named_by_the_line_it_starts_on(data_dir, tmp_path):
    items = [observation(), observation(details={"type": "shelling", "count": -1})]
    text = json.dumps(items, indent=2)
    start = [i for i, text_line in enumerate(text.splitlines(), 1) if text_line == "  {"][
        1
    ]  # the 2nd element
    line = error_line(record_file(data_dir, tmp_path, text))
    assert f"input.json, line {start}: record 2 of 2: details.count" in line, line
    jsonl = "\n".join(json.dumps(item) for item in [items[0], items[0], items[1]])
    line = error_line(fieldapp(data_dir, "record", "--json", "-", stdin=jsonl))
    assert "standard input, line 3: record 3 of 3: details.count" in line, line


def test_a_file_with_a_byte_order_mark_is_read(data_dir, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(observation()).encode())
    done = fieldapp(data_dir, "record", "--json", str(path))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("given", ["Sirte", "sirte", "سرت", "Surt"])
def test_a_place_by_name_or_gazetteer_id_is_resolved_offline(data_dir, given):
    sirte = next(place for place in load_places() if place.id == "sirte")
    item = observation(location={"place": given})
    item.pop("place")
    done = fieldapp(data_dir, "record", "--json", "-", stdin=json.dumps(item))
    assert done.returncode == 0, done.stderr
    shown = json.loads(fieldapp(data_dir, "show", done.stdout.strip(), "--json").stdout)
    expected = sirte.observation_fields()
    assert shown["location"] == {**expected["location"], "accuracy_m": expected["location"]["accuracy_m"]}
    assert shown["location"]["source"] == "place" and shown["place"] == "Sirte"


def test_an_unknown_or_mixed_place_is_refused_with_what_would_do(data_dir):
    items = [observation(), observation(location={"place": "Sirtee"})]
    text = "\n".join(json.dumps(item) for item in items)
    line = error_line(fieldapp(data_dir, "record", "--json", "-", stdin=text))
    assert "line 2: record 2 of 2: location.place: no place called 'Sirtee' in the offline list" in line, line
    assert "Sirte (sirte)" in line
    both = observation(location={"place": "Sirte", "lat": 31.0, "lon": 16.0})
    line = error_line(fieldapp(data_dir, "record", "--json", "-", stdin=json.dumps(both)))
    assert "location.place: give either a place or lat/lon" in line, line
