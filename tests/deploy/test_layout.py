"""The production layout of docs/deploy.md, on loopback (issue 19, point 4; issue 20): two API
processes (`fieldapp serve --no-console`, each with its own data dir, as on two hosts, sharing
the server keys) and two console processes (`fieldapp console`, sharing FIELDAPP_CONSOLE_KEY
with the API) on one PostgreSQL, photos in an S3-API bucket (moto's real server), behind
Debian's nginx running docs/deploy/nginx-fieldapp.conf. A device syncs records and photos
through the balancer while one API process is killed in the middle of a photo upload: every
record is stored once, the upload resumes through the other process, every photo is
byte-exact in the bucket. A verifier's console tab reaches one console process through the
balancer and signs in through it.
"""

import asyncio
import hashlib
import io
import secrets
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.services import create_device, upload_photos
from fieldapp.services.enrollment import enroll_device
from fieldapp.services.syncing import run_sync
from fieldapp.vault import FAST_KDF_FOR_TESTS
from server.database import make_engine
from sync.retry import RetryPolicy
from tests.photos.conftest import PASSPHRASE, observation
from tests.photos.photo_files import make_big_jpeg, make_jpeg
from tests.server.pg import fresh_schema, postgres_required
from tests.support.flet_session import FletTab
from tests.support.live_server import (
    REPO_ROOT,
    create_enrollment_code,
    create_user,
    free_port,
    live_server_process,
    server_command,
)
from tests.support.s3_server import S3Server, s3_server

pytestmark = pytest.mark.server

NGINX_SITE = REPO_ROOT / "docs" / "deploy" / "nginx-fieldapp.conf"
RECORDS = 24
PREFIX = "mission-a"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing but CI=true: .ci/run installs Debian's nginx-light for this test")
    pytest.skip("nginx is not installed (apt-get install nginx-light)")


def render_site(ports: list[int], consoles: list[int], listen: int, access_log: Path) -> str:
    """The documented site, with loopback ports for the upstreams and a plain listener (the
    TLS lines are the only ones replaced: everything else runs as documented)."""
    site = NGINX_SITE.read_text()
    site = re.sub(r"listen 443 ssl;", f"listen 127.0.0.1:{listen};", site)
    site = re.sub(r"\n\s*ssl_certificate(_key)? [^;]+;", "", site)
    for documented, port in zip(("8001", "8002", "8101", "8102"), [*ports, *consoles], strict=True):
        site = site.replace(f"127.0.0.1:{documented}", f"127.0.0.1:{port}")
    return site.replace("/var/log/nginx/fieldapp.access.log", str(access_log))


@dataclass
class Layout:
    url: str  # the balancer
    direct: list[str]  # each server process
    processes: list[subprocess.Popen]
    consoles: list[str]  # each console process
    data_dirs: list[Path]
    database_url: str
    s3: S3Server
    bucket: str
    access_log: Path

    def upstreams_of(self, path_part: str) -> list[str]:
        """The upstream address of every logged request whose line contains `path_part`."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [m.group(1) for line in lines if path_part in line and (m := re.search(r"upstream=(\S+)", line))]


def _start_nginx(tmp: Path, ports: list[int], consoles: list[int]) -> tuple[subprocess.Popen, int, Path]:
    listen = free_port()
    access_log = tmp / "access.log"
    (tmp / "site.conf").write_text(render_site(ports, consoles, listen, access_log))
    user = "user root;\n" if os.getuid() == 0 else ""  # temp files live under the test's 0700 dir
    (tmp / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        + "".join(f"  {kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {tmp}/site.conf;\n}}\n"
    )
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "nginx.out", "wb"),
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{listen}/api/v1/health", timeout=1).status_code == 200:
                return process, listen, access_log
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"nginx did not start: {(tmp / 'nginx.out').read_text()}{_tail(tmp / 'error.log')}")
        time.sleep(0.1)


def _start_console(tmp: Path, port: int, api_url: str, env: dict[str, str]) -> subprocess.Popen:
    """`fieldapp console` on a host of its own (as docs/deploy.md runs it), answering when returned."""
    log = open(tmp / f"console-{port}.log", "wb")  # noqa: SIM115 - the process's output, closed with it
    process = subprocess.Popen(
        server_command("console", "--host", "127.0.0.1", "--port", str(port), "--api-url", api_url),
        env={**os.environ, **env},
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/console/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the console did not start: {_tail(tmp / f'console-{port}.log')}")
        time.sleep(0.2)


def _tail(path: Path) -> str:
    return path.read_text()[-3000:] if path.exists() else ""


@pytest.fixture
def layout(tmp_path) -> Iterator[Layout]:
    nginx_binary()
    if not postgres_required():
        pytest.skip("the layout runs on PostgreSQL: set FIELDAPP_TEST_DATABASE_URL (CI does)")
    with s3_server(tmp_path / "moto") as s3, fresh_schema() as database_url:
        bucket = s3.make_bucket("fieldapp-photos")
        # One key shared by the API and console processes, from their environment files.
        key = {"FIELDAPP_CONSOLE_KEY": secrets.token_urlsafe(32)}
        env = {**s3.environ(), "FIELDAPP_ATTACHMENTS_URL": f"s3://{bucket}/{PREFIX}", **key}
        dirs = [tmp_path / "host-a", tmp_path / "host-b"]
        ports, console_ports = [free_port(), free_port()], [free_port(), free_port()]
        api = {"port": ports[0], "env": env, "console": False}
        with live_server_process(dirs[0], database_url, **api) as (url_a, process_a):
            # Host B gets the server keys from host A (docs/deploy.md: copied once, like a TLS key).
            shutil.copytree(dirs[0] / "keys", dirs[1] / "keys")
            api["port"] = ports[1]
            with live_server_process(dirs[1], database_url, **api) as (url_b, process_b):
                console_env = {**key, "FIELDAPP_DATABASE_URL": database_url}
                consoles = [
                    _start_console(tmp_path, port, api_url, console_env)
                    for port, api_url in zip(console_ports, (url_a, url_b), strict=True)
                ]
                nginx, listen, access_log = _start_nginx(tmp_path, ports, console_ports)
                try:
                    yield Layout(
                        url=f"http://127.0.0.1:{listen}",
                        direct=[url_a, url_b],
                        processes=[process_a, process_b],
                        consoles=[f"http://127.0.0.1:{port}" for port in console_ports],
                        data_dirs=dirs,
                        database_url=database_url,
                        s3=s3,
                        bucket=bucket,
                        access_log=access_log,
                    )
                finally:
                    nginx.send_signal(signal.SIGQUIT)
                    try:
                        nginx.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        nginx.kill()
                    for console in consoles:
                        console.terminate()
                        console.wait(timeout=20)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_device_syncs_through_the_balancer_while_a_process_dies_mid_upload(tmp_path, layout):
    for url in layout.direct:
        assert httpx.get(f"{url}/api/v1/ready").json() == {"status": "ready", "database": "ok", "attachments": "ok"}
    big, small = make_big_jpeg(), make_jpeg(seed=5)
    with create_device(tmp_path / "device", PASSPHRASE, kdf=FAST_KDF_FOR_TESTS) as device:
        enroll_device(device, layout.url, create_enrollment_code(layout.data_dirs[0], layout.database_url))
        ids = [device.record(observation(description=f"record {n}"), finalize=True) for n in range(RECORDS)]
        ids.append(device.record_with_photos(observation(description="with photos"), [big, small], finalize=True))
        report = run_sync(device, with_photos=False)
        assert report.status == "done" and report.count("sent") == RECORDS + 1, report

        killed_at: list[int] = []

        def kill_a_mid_upload(progress) -> None:
            # Host A dies once 40 % of the photos' bytes are at the server, between two chunks.
            if not killed_at and progress.bytes_done > 0.4 * progress.bytes_total:
                layout.processes[0].kill()
                layout.processes[0].wait(timeout=10)
                killed_at.append(progress.bytes_done)

        retry = RetryPolicy(attempts=6)
        first = upload_photos(device, on_progress=kill_a_mid_upload, sleep=lambda _s: None, retry=retry)
        assert killed_at, "the upload ended before host A could be killed"
        done = first if first.status == "done" else upload_photos(device, sleep=lambda _s: None, retry=retry)
        assert done.status == "done" and device.photos_pending(ids[-1]) == 0, (first, done)

    # Every record once, in the one database both processes share.
    with make_engine(layout.database_url).connect() as connection:
        rows = connection.execute(sa.text("SELECT record_id, count(*) FROM reports GROUP BY record_id")).all()
    assert sorted(r[0] for r in rows) == sorted(ids) and {r[1] for r in rows} == {1}

    # Every photo byte-exact in the bucket, written once under its hash; no chunk left behind.
    client = layout.s3.client()
    for photo in (big, small):
        key = f"{PREFIX}/photos/{sha(photo)[:2]}/{sha(photo)}"
        assert client.get_object(Bucket=layout.bucket, Key=key)["Body"].read() == photo
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=layout.bucket).get("Contents", [])]
    assert not [k for k in keys if "/partial/" in k], keys

    # The upload went on through host B after host A died: chunks answered by B after the kill.
    chunk_upstreams = layout.upstreams_of("/api/v1/attachments/")
    b = _addr(layout.direct[1])
    assert chunk_upstreams and chunk_upstreams[-1].endswith(b)
    assert httpx.get(f"{layout.direct[1]}/api/v1/ready").status_code == 200

    # Verifiers read the photos from the bucket through the balancer: bytes, thumbnail, zip export.
    create_user(layout.data_dirs[1], "vera", "a long password", "verifier", layout.database_url)
    with httpx.Client(base_url=layout.url, timeout=60) as verifier:
        token = verifier.post("/api/v1/auth/login", json={"username": "vera", "password": "a long password"})
        verifier.headers["Authorization"] = f"Bearer {token.json()['token']}"
        photo_path = f"/api/v1/reports/{ids[-1]}/attachments/{sha(big)}"
        assert verifier.get(photo_path).content == big
        thumbnail = verifier.get(f"{photo_path}/thumbnail", params={"px": 320})
        assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
        export = verifier.get("/api/v1/exports/zip")
        assert export.status_code == 200, export.text
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        stored = {name: archive.read(name) for name in archive.namelist()}
    assert {big, small} <= set(stored.values())


def test_the_console_has_its_own_processes_and_sticks_to_one(layout):
    for _ in range(6):
        assert httpx.get(f"{layout.url}/console/", follow_redirects=True).status_code == 200
        httpx.get(f"{layout.url}/api/v1/health")
    console = set(layout.upstreams_of("/console"))
    api = set(layout.upstreams_of("/api/v1/health"))
    assert len(console) == 1, console  # ip_hash: a tab's websocket and its page on one process
    assert console <= {_addr(u) for u in layout.consoles}  # a console process, not an API one
    assert api == {_addr(u) for u in layout.direct}  # the API is spread over both
    for url in layout.direct:  # the API processes serve no console
        assert httpx.get(f"{url}/console/").status_code == 404

    # A verifier's tab, through the balancer to a console process, signs in through the API.
    create_user(layout.data_dirs[0], "vera", "a long password", "verifier", layout.database_url)

    async def sign_in() -> None:
        async with FletTab.open(layout.url) as tab:
            await tab.sign_in("vera", "a long password", timeout=120)
            await tab.sign_out()

    asyncio.run(sign_in())
    assert set(layout.upstreams_of("/console/ws")) == console


def _addr(url: str) -> str:
    return url.removeprefix("http://")
