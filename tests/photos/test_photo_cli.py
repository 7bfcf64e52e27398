"""`fieldapp record --attach FILE` end to end, as a person would run it."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.services import create_device
from fieldapp.vault import FAST_KDF_FOR_TESTS
from tests.support.live_server import REPO_ROOT

from .conftest import PASSPHRASE, all_file_bytes, observation
from .photo_files import MARKER, distinctive_run, make_jpeg, make_png

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)


def fieldapp(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE}
    env.pop("FIELDAPP_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args, "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def setup(tmp_path: Path):
    data_dir = tmp_path / "device"
    create_device(data_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS).lock()
    photo, png = make_jpeg(seed=1), make_png(seed=2)
    (tmp_path / "crater.jpg").write_bytes(photo)
    (tmp_path / "map.png").write_bytes(png)
    without_place = {k: v for k, v in observation().items() if k not in ("observed_at", "location")}
    (tmp_path / "one.json").write_text(json.dumps(without_place))
    (tmp_path / "full.json").write_text(json.dumps(observation()))
    (tmp_path / "two.json").write_text(json.dumps([observation(), observation()]))
    (tmp_path / "notes.jpg").write_text("just text with a photo's name")
    return data_dir, tmp_path, photo, png


def test_record_with_two_photos_finalized_and_shown(setup):
    data_dir, files, photo, png = setup
    done = fieldapp(
        "record",
        "--kind",
        "violation",
        "--json",
        str(files / "full.json"),
        "--attach",
        str(files / "crater.jpg"),
        "--attach",
        str(files / "map.png"),
        "--finalize",
        data_dir=data_dir,
    )
    assert done.returncode == 0, done.stderr
    record_id = done.stdout.strip()
    assert "crater.jpg says observed_at" in done.stderr  # EXIF offered, not applied
    shown = fieldapp("show", record_id, "--json", data_dir=data_dir)
    record = json.loads(shown.stdout)
    assert record["state"] == "queued" and record["signature"]
    assert record["observed_at"] == observation()["observed_at"]
    assert record["attachments"] == [
        {
            "sha256": hashlib.sha256(photo).hexdigest(),
            "name": "crater.jpg",
            "size": len(photo),
            "mime": "image/jpeg",
        },
        {"sha256": hashlib.sha256(png).hexdigest(), "name": "map.png", "size": len(png), "mime": "image/png"},
    ]
    assert [p["state"] for p in record["photo_uploads"]] == ["pending", "pending"]
    text = fieldapp("show", record_id, data_dir=data_dir).stdout
    assert "crater.jpg" in text and "pending" in text
    for path, data in all_file_bytes(data_dir):
        assert MARKER not in data and distinctive_run(photo) not in data, path


def test_from_photo_fills_time_and_place_the_json_leaves_out(setup):
    data_dir, files, _photo, _png = setup
    done = fieldapp(
        "record",
        "--json",
        str(files / "one.json"),
        "--attach",
        str(files / "crater.jpg"),
        "--from-photo",
        data_dir=data_dir,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(fieldapp("show", done.stdout.strip(), "--json", data_dir=data_dir).stdout)
    assert record["observed_at"] == "2025-05-01T09:58:00+02:00"
    assert record["location"] == {"lat": 31.21, "lon": 16.59, "accuracy_m": 6.5, "source": "gps"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--json", "two.json", "--attach", "crater.jpg"],
            "error: --attach needs exactly one observation in the input; it holds 2",
        ),
        (
            ["--json", "full.json", "--attach", "notes.jpg"],
            "error: notes.jpg is not a JPEG or PNG photo; only those can be attached",
        ),
        (
            ["--json", "full.json", "--attach", "missing.jpg"],
            "error: cannot read missing.jpg: No such file or directory",
        ),
        (
            ["--json", "full.json", "--attach", "crater.jpg", "--attach", "crater.jpg"],
            "error: the same photo is given twice; nothing was stored",
        ),
        (["--json", "full.json", "--from-photo"], "error: --from-photo needs --attach FILE"),
    ],
)
def test_refusals_are_one_line_and_store_nothing(setup, args, message):
    data_dir, files, _photo, _png = setup
    resolved = [str(files / a) if a.endswith((".json", ".jpg")) else a for a in args]
    done = fieldapp("record", *resolved, data_dir=data_dir)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == message
    assert "Traceback" not in done.stderr
    assert fieldapp("list", "--json", data_dir=data_dir).stdout.strip() == "[]"
    assert not (data_dir / "attachments").exists() or not list((data_dir / "attachments").iterdir())
