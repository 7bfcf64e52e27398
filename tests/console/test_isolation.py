"""Verifiers never slow the field (issue 20, point 1): the console runs in its own process.

Against a real `fieldapp serve`: the console's sessions are served by a child process (not the
API's), reached at /console on the API's port; ten signed-in console tabs opening reports
while a device enrols, syncs and probes health get every device request answered within the
device's own timeouts; killing the console leaves the device API answering and `serve`
starts the console again; with several API workers there is still one console.

Console tabs are browserless (tests/support/flet_session.py: Flet's websocket protocol).
Correctness, not timing figures: those are bench/console.py's.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from pathlib import Path

import httpx
import pytest

from sync.transport import DEFAULT_TIMEOUT, PROBE_TIMEOUT
from tests.support.devices import make_device
from tests.support.flet_session import FletTab
from tests.support.live_server import create_enrollment_code, create_user, live_server_process
from tests.support.seeded_reports import seed

pytestmark = pytest.mark.server

PASSWORD = "isolation test password"


def children(pid: int) -> list[int]:
    """Every thread's children (a restarted console is the child of `serve`'s watcher thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def console_children(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"console" in command:
            found.append(child)
    return found


def wait_for_console(pid: int, *, other_than: int | None = None, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in console_children(pid) if c != other_than]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no console process under {pid} within {timeout:g} s")


def seeded_server(data_dir: Path, reports: int = 120, verifiers: int = 0) -> None:
    from server.database import make_engine, upgrade_schema
    from server.settings import sqlite_url

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(sqlite_url(data_dir / "server.db"))
    try:
        upgrade_schema(engine)
        if reports:
            seed(engine, reports, devices=5, seed=3)
    finally:
        engine.dispose()
    for n in range(verifiers):
        create_user(data_dir, f"vera{n}", PASSWORD, "verifier")


def test_the_console_is_a_process_of_its_own_behind_the_apis_port(tmp_path):
    seeded_server(tmp_path / "srv", reports=0)
    with live_server_process(tmp_path / "srv", console=True) as (url, serve):
        console = wait_for_console(serve.pid)
        assert console != serve.pid
        page = httpx.get(f"{url}/console/", timeout=60)
        assert page.status_code == 200 and 'flet.webSocketEndpoint="/console/ws"' in page.text
        # The console process's own policy (sync/web_client.py) on its answers, once.
        assert (
            page.headers.get_list("content-security-policy")
            and len(page.headers.get_list("content-security-policy")) == 1
        )
        assert "'sha256-" in page.headers["content-security-policy"]  # the page's inline scripts
        assert httpx.get(f"{url}/console/health", timeout=30).json() == {"status": "ok"}
        assert httpx.get(f"{url}/console/download/nothing", timeout=30).status_code == 410
        assert httpx.get(f"{url}/api/v1/health").json()["status"] == "ok"
        # The console's Flet server is not in the API process: its websocket answers only
        # through the relay, and the API's own routes do not include it.
        assert "/console/ws" not in httpx.get(f"{url}/openapi.json").text


def test_the_console_key_travels_safely_and_sign_ins_count_per_browser(tmp_path):
    """The key `serve` shares with its console is on no command line and in no environment of
    the console; yet the API believes the browser's address the console names: failed sign-ins
    are counted for that address (as a reverse proxy on this machine names it), not loopback."""
    import sqlalchemy as sa

    seeded_server(tmp_path / "srv", reports=0, verifiers=1)
    with live_server_process(tmp_path / "srv", console=True) as (url, serve):
        console = wait_for_console(serve.pid)
        for pid in (console, serve.pid):
            assert b"FIELDAPP_CONSOLE_KEY" not in Path(f"/proc/{pid}/environ").read_bytes()
        arguments = Path(f"/proc/{console}/cmdline").read_bytes().split(b"\0")
        assert not [a for a in arguments if b"key" in a.lower() and a != b"--lifeline-fd"], arguments

        async def wrong_password() -> None:
            headers = {"X-Forwarded-For": "203.0.113.7"}  # the browser, as nginx on this host names it
            async with FletTab.open(url, headers=headers) as tab:
                await tab.wait_for("login-username", 120)
                await tab.type_into("login-username", "vera0")
                await tab.type_into("login-password", "not the password")
                await tab.click("login-submit")
                await tab.wait_until(lambda: "Wrong user name" in tab.text_of("login-error"), 120)

        asyncio.run(wrong_password())
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'srv' / 'server.db'}")
        try:
            with engine.connect() as connection:
                addresses = (
                    connection.execute(sa.text("SELECT key FROM login_throttle WHERE scope = 'address'"))
                    .scalars()
                    .all()
                )
        finally:
            engine.dispose()
        assert addresses == ["203.0.113.7"]


def test_ten_console_sessions_at_work_do_not_starve_the_device_api(tmp_path):
    """Every device request (enrol, health, submissions) answered within the device's timeouts
    while ten verifiers open reports over and over."""
    data_dir = tmp_path / "srv"
    seeded_server(data_dir, reports=150, verifiers=10)
    with live_server_process(data_dir, console=True) as (url, _serve):

        async def verifier(n: int, stop: asyncio.Event, opened: list[int]) -> None:
            rng = random.Random(n)
            async with FletTab.open(url, user_agent=f"tab-{n}") as tab:
                await tab.sign_in(f"vera{n}", PASSWORD, timeout=120)
                while not stop.is_set():
                    rows = await tab.wait_until(lambda: tab.identifiers("queue-row-"), 120)
                    await tab.click(rng.choice(rows))
                    await tab.wait_for("audit-trail", 120)
                    opened[n] += 1
                    await tab.click("back-to-queue")
                    await tab.wait_until(lambda: tab.tagged("audit-trail") is None, 120)

        def device_traffic() -> list[tuple[str, int]]:
            answers = []
            with httpx.Client(base_url=url, timeout=DEFAULT_TIMEOUT) as client:
                device = make_device(5)
                device.enroll(client, create_enrollment_code(data_dir))
                answers.append(("enroll", 200))
                for batch in range(6):
                    health = client.get("/api/v1/health", timeout=PROBE_TIMEOUT)
                    answers.append(("health", health.status_code))
                    envelopes = device.envelopes(40)
                    sent = client.post(
                        "/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth
                    )
                    answers.append((f"batch {batch}", sent.status_code))
                    assert {r["status"] for r in sent.json()["results"]} == {"accepted"}
            return answers

        async def scenario() -> tuple[list[tuple[str, int]], list[int]]:
            stop = asyncio.Event()
            opened = [0] * 10
            tabs = [asyncio.create_task(verifier(n, stop, opened)) for n in range(10)]
            # The verifiers at work before the device starts (each has opened a report).
            deadline = time.monotonic() + 180
            while min(opened) == 0 and time.monotonic() < deadline:
                for task in tabs:
                    if task.done():
                        task.result()  # a tab that failed says why
                await asyncio.sleep(0.2)
            assert min(opened) > 0, opened
            answers = await asyncio.to_thread(device_traffic)  # timeouts raise: the test fails
            busy = list(opened)
            stop.set()
            await asyncio.gather(*tabs)
            return answers, busy

        answers, opened = asyncio.run(scenario())
        assert all(status == 200 for _, status in answers), answers
        assert len(answers) == 13
        assert sum(opened) >= 10  # the console was really in use meanwhile


def test_a_killed_console_leaves_the_device_api_answering_and_comes_back(tmp_path):
    seeded_server(tmp_path / "srv", reports=0, verifiers=1)
    with live_server_process(tmp_path / "srv", console=True) as (url, serve):
        first = wait_for_console(serve.pid)
        assert httpx.get(f"{url}/console/health", timeout=60).status_code == 200
        os.kill(first, signal.SIGKILL)
        # The device API does not depend on the console.
        for _ in range(5):
            assert httpx.get(f"{url}/api/v1/health", timeout=PROBE_TIMEOUT).status_code == 200
        second = wait_for_console(serve.pid, other_than=first)
        assert second != first
        # While it restarts a browser's request waits on the socket `serve` holds, then is answered.
        assert httpx.get(f"{url}/console/health", timeout=60).status_code == 200

        async def sign_in() -> None:
            async with FletTab.open(url) as tab:
                await tab.sign_in("vera0", PASSWORD, timeout=120)

        asyncio.run(sign_in())
        log = (tmp_path / "srv" / "server.log").read_text()
        assert '"event": "console process exited"' in log and '"exit": -9' in log


def test_api_workers_share_one_console_process(tmp_path):
    seeded_server(tmp_path / "srv", reports=0)
    with live_server_process(tmp_path / "srv", console=True, workers=2, timeout=180) as (url, serve):
        console = wait_for_console(serve.pid)
        assert httpx.get(f"{url}/console/health", timeout=60).status_code == 200
        time.sleep(1)  # every worker up
        assert console_children(serve.pid) == [console]
        assert len(children(serve.pid)) >= 3  # two API workers beside it


def test_serve_without_console_serves_the_api_only(tmp_path):
    from server import launcher
    from tests.support.live_server import free_port

    seeded_server(tmp_path / "srv", reports=0)
    port = free_port()
    command = launcher.server_command(
        "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "srv"),
        "--workers", "1", "--no-console",
    )  # fmt: skip
    import subprocess

    with open(tmp_path / "out.log", "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        server = launcher.ServerProcess(
            process=process, base_url=f"http://127.0.0.1:{port}", log_path=tmp_path / "out.log"
        )
        launcher.wait_until_healthy(server, 60)
        assert httpx.get(f"{server.base_url}/console/").status_code == 404
        assert console_children(process.pid) == []
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_taking_the_lock_redraws_the_decision_only(tmp_path):
    """A lock taken (or thumbnails arriving) redraws its own card: the rest of the report keeps
    its controls, so a click landing there meanwhile reaches a button that still exists (a
    whole-page redraw replaced every control and lost such clicks), and less goes on the wire."""
    data_dir = tmp_path / "srv"
    seeded_server(data_dir, reports=40, verifiers=1)
    with live_server_process(data_dir, console=True) as (url, _serve):

        async def scenario() -> tuple[dict, dict, str]:
            async with FletTab.open(url, user_agent="tab-lock") as tab:
                await tab.sign_in("vera0", PASSWORD, timeout=120)
                row = (await tab.wait_until(lambda: tab.identifiers("queue-row-"), 120))[0]
                await tab.click(row)
                await tab.wait_for("audit-trail", 120)
                await tab.quiet(1.0)
                before = {
                    name: tab.tagged(name)["_i"] for name in ("audit-trail", "photos-card", "report-state")
                }
                await tab.click("lock-take")
                await tab.wait_until(lambda: "Locked by you" in tab.text_of("lock-status"), 60)
                after = {name: tab.tagged(name)["_i"] for name in before}
                return before, after, tab.text_of("lock-status")

        before, after, status = asyncio.run(scenario())
    assert status.startswith("Locked by you")
    assert after == before
