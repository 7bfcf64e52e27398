"""The register feed against a real server on loopback: loaded by `fieldapp admin registers`,
pulled at sync, checked against the server's signature, stored encrypted, caught up in one run."""

import json
import subprocess

import httpx
import pytest

from fieldapp.services.syncing import run_sync
from tests.support.live_server import server_command
from tests.sync.live import enrolled_device, reopen

pytestmark = pytest.mark.live  # the CLI in subprocesses / real servers: main suite only (pyproject)

HEADER = "id,name_en,name_ar,side,lat,lon,radius_m,retired\n"


def _load(server, tmp_path, rows: str, register: str = "camps") -> subprocess.CompletedProcess:
    path = tmp_path / f"{register}.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    command = server_command("admin", "registers", "import", "--register", register, str(path),
                             "--data-dir", str(server.data_dir))
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def _held(device) -> dict[str, tuple[int, str, bool]]:
    return {e.id: (e.version, e.name_en, e.retired) for e in device.registers.entries("camps", include_retired=True)}


class Tampering(httpx.BaseTransport):
    """Loopback to the real server, with one byte of every register item's signed body changed."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.tampered = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/devices/me/registers"):
            return response
        page = json.loads(response.read())
        for item in page["items"]:
            body = item["body"]
            item["body"] = ("B" if body[0] != "B" else "C") + body[1:]
            self.tampered += 1
        return httpx.Response(response.status_code, json=page)


def test_a_device_offline_across_three_versions_catches_up_in_one_sync(tmp_path, server):
    loaded = _load(server, tmp_path, "camp-a,Camp A,معسكر أ,east,29.1,16.0,,\ncamp-b,Camp B,,west,32.3,15.0,,\n")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "camps: added 2, changed 0, unchanged 0"
    device = enrolled_device(tmp_path / "dev", server.data_dir, server.url, queued=1, seed=41)
    first = run_sync(device)
    assert first.status == "done", first.error
    assert first.registers_pulled >= 2
    assert {k: v for k, v in _held(device).items() if k in ("camp-a", "camp-b")} == {
        "camp-a": (1, "Camp A", False),
        "camp-b": (1, "Camp B", False),
    }
    for name in ("Camp A2", "Camp A3", "Camp A4"):  # three versions while the device is away
        assert _load(server, tmp_path, f"camp-a,{name},,east,29.1,16.0,,\ncamp-b,Camp B,,west,32.3,15.0,,\n").returncode == 0
    assert _load(server, tmp_path, "camp-b,Camp B,,west,32.3,15.0,,true\n").returncode == 0  # retired
    device.lock()
    device = reopen(tmp_path / "dev")  # what was stored survives a lock (encrypted at rest)
    again = run_sync(device)
    assert again.status == "done", again.error
    assert again.registers_pulled == 4
    held = _held(device)
    assert held["camp-a"] == (4, "Camp A4", False) and held["camp-b"] == (2, "Camp B", True)
    assert "camp-b" not in {e.id for e in device.registers.entries("camps")}  # retired: not offered
    assert run_sync(device).registers_pulled == 0
    raw = (tmp_path / "dev" / "fieldapp.db").read_bytes()
    assert b"Camp A4" not in raw and "معسكر".encode() not in raw
    device.lock()


def test_a_tampered_register_version_is_refused_and_the_old_one_kept(tmp_path, server):
    device = enrolled_device(tmp_path / "dev", server.data_dir, server.url, queued=0, seed=42)
    assert run_sync(device).status == "done"
    before, cursor = _held(device), device.registers.register_cursor()
    assert _load(server, tmp_path, "camp-t,Camp T,,east,29.5,16.5,,\n").returncode == 0
    tampering = Tampering()
    refused = run_sync(device, transport=tampering)
    assert tampering.tampered >= 1
    assert refused.status == "failed" and "not signed by the server" in (refused.error or "")
    assert _held(device) == before and device.registers.register_cursor() == cursor
    fine = run_sync(device)
    assert fine.status == "done" and _held(device)["camp-t"] == (1, "Camp T", False)
    device.lock()


def test_a_bad_import_names_its_rows_and_changes_nothing(tmp_path, server):
    bad = _load(server, tmp_path, "camp-x,Camp X,,east,29.1,16.0,,\ncamp-y,,,east,29.1,west,,\n")
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: nothing imported: line 3: lon: not a number")
    assert len(bad.stderr.strip().splitlines()) == 1
    exported = subprocess.run(  # noqa: S603
        server_command("admin", "registers", "export", "--register", "camps", "--format", "csv",
                       "--data-dir", str(server.data_dir)),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert exported.returncode == 0 and "camp-x" not in exported.stdout
