"""Verifiers in the console must never slow the field (issue 20): device ingest and health while
console sessions work, and what one report open costs.

    python bench/console.py [--json] [--quick] [--reports N] [--workers N]

A real `fieldapp serve` (API on 127.0.0.1, its console in its own process) on a SQLite file
with N seeded reports (default 2,000), and browserless console tabs speaking Flet's websocket
protocol (tests/support/flet_session.py), each signed in as its own verifier. Figures:

- ingest_idle_rps: records/s two devices push (batches of 100, gzip) with no console in use;
  ingest_busy_rps: the same while 10 tabs each open a report every 2 s; ratio = busy / idle
  (the baseline is measured in the same run, on the same server).
- health_p95_ms_busy: `GET /api/v1/health` every 50 ms meanwhile (p50 too).
- report_open_p50_ms / _p95_ms: click on a queue row until the report (its audit trail) is on
  the page, 20 tabs each opening a report every 2 s.
- report_open_cpu_ms: server CPU (console process + API process, from /proc) per report open,
  one tab opening reports one after another; report_open_bytes: what that tab received over
  its websocket per open (the page patches), median. Going back to the queue is measured apart
  (queue_back_cpu_ms, queue_back_bytes).
- rss_per_session_mb: the console process's resident memory per signed-in tab (the first 10,
  on the queue, in a console that held no session before);
  rss_cycles_mb: its memory after each round of 10 tabs opened, signed in and closed (the
  grace set to 2 s here), to see that it levels off.

Pushers and the health probe run in processes of their own, so the tabs' client work in this
process does not stall them. Targets (issue 20): ratio >= 0.8, health p95 <= 20 ms busy,
report open <= 50 ms CPU and <= 20 KiB, p95 <= 500 ms with 20 tabs. The machine's load is
printed beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.support.devices import make_device  # noqa: E402
from tests.support.flet_session import FletTab  # noqa: E402
from tests.support.live_server import create_enrollment_code, create_user, live_server_process  # noqa: E402
from tests.support.seeded_reports import seed  # noqa: E402

PASSWORD = "bench console password"
BATCH = 100
OPEN_EVERY_S = 2.0
HZ = os.sysconf("SC_CLK_TCK")
FAILURES: list[str] = []  # report opens that were not drawn (the reason shown on the tab)


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# -- processes --------------------------------------------------------------------------------


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def console_pid(serve_pid: int) -> int:
    """The console's process: the child `serve` started (server/console/supervisor.py)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = [c for t in Path(f"/proc/{serve_pid}/task").iterdir() for c in (t / "children").read_text().split()]
        for child in children:
            if b"console" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0"):
                return int(child)
        time.sleep(0.2)
    raise SystemExit("no console process under the server")


# -- device traffic (in other processes) ------------------------------------------------------


def _push(base_url: str, bodies: list[bytes], headers: dict[str, str]) -> tuple[int, float]:
    accepted = 0
    with httpx.Client(base_url=base_url, timeout=120) as client:
        started = time.perf_counter()
        for body in bodies:
            answer = client.post("/api/v1/submissions", content=body, headers=headers)
            answer.raise_for_status()
            accepted += sum(1 for r in answer.json()["results"] if r["status"] == "accepted")
        return accepted, time.perf_counter() - started


def _health(base_url: str, seconds: float) -> list[float]:
    times = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            client.get("/api/v1/health").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)
    return times


def device_loads(base_url: str, data_dir: Path, devices: int, records: int) -> list[tuple[list[bytes], dict]]:
    loads = []
    with httpx.Client(base_url=base_url, timeout=60) as enroller:
        for _ in range(devices):
            device = make_device()
            device.enroll(enroller, create_enrollment_code(data_dir))
            envelopes = device.envelopes(records // devices)
            bodies = [
                gzip.compress(json.dumps({"envelopes": envelopes[i : i + BATCH]}).encode(), compresslevel=6)
                for i in range(0, len(envelopes), BATCH)
            ]
            headers = {**device.auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
            loads.append((bodies, headers))
    return loads


def _ready() -> int:
    return os.getpid()


async def ingest_rps(pool: ProcessPoolExecutor, base_url: str, loads: list, *, health: bool) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    pushes = [loop.run_in_executor(pool, _push, base_url, bodies, headers) for bodies, headers in loads]
    probe = loop.run_in_executor(pool, _health, base_url, 8.0) if health else None
    results = await asyncio.gather(*pushes)
    elapsed = max(seconds for _, seconds in results)  # timed in the pushers, which start together
    figures: dict[str, Any] = {"rps": round(sum(n for n, _ in results) / elapsed, 1)}
    if probe is not None:
        times = await probe
        figures["health_p50_ms"] = round(p(times, 0.5), 1)
        figures["health_p95_ms"] = round(p(times, 0.95), 1)
    return figures


# -- console tabs -----------------------------------------------------------------------------


async def signed_in_tab(base_url: str, n: int) -> FletTab:
    tab = await FletTab.connect(base_url, user_agent=f"bench-tab-{n}")
    await tab.sign_in(f"bench{n}", PASSWORD, timeout=120)
    await tab.wait_for_prefix("queue-row-", timeout=120)
    return tab


async def open_report(tab: FletTab, rng: random.Random) -> float:
    """Click a queue row; ms until the report is drawn. Leaves the tab on the report."""
    row = rng.choice(await tab.wait_until(lambda: tab.identifiers("queue-row-"), 120))
    started = time.perf_counter()
    await tab.click(row)
    try:
        await tab.wait_for("audit-trail", timeout=120)
    except TimeoutError:
        raise TimeoutError(
            f"report not drawn: message {tab.text_of('message')!r}, on the page {tab.identifiers()[:12]}"
        ) from None
    return (time.perf_counter() - started) * 1000


async def back_to_queue(tab: FletTab) -> None:
    await tab.click("back-to-queue")
    await tab.wait_until(lambda: tab.tagged("audit-trail") is None and tab.identifiers("queue-row-"), 120)


async def ensure_queue(tab: FletTab) -> None:
    """Back on the queue, wherever a stopped verifier left the tab."""
    await tab.wait_until(lambda: tab.tagged("audit-trail") is not None or tab.identifiers("queue-row-"), 120)
    await tab.quiet(0.3)
    if tab.tagged("audit-trail") is not None:
        await back_to_queue(tab)


async def verifier(tab: FletTab, until: Any, times: list[float], seed_: int) -> None:
    """Open a report every 2 s (open, read, back), as the issue's verifiers did, until `until()`
    (each finishes its round: a tab is left on the queue)."""
    rng = random.Random(seed_)
    await asyncio.sleep(rng.uniform(0, OPEN_EVERY_S))  # not all in step
    while not until():
        tick = time.monotonic()
        try:
            times.append(await open_report(tab, rng))
        except TimeoutError as exc:  # counted, and the verifier goes on from the queue
            FAILURES.append(str(exc))
            await tab.click("nav-queue")
            await tab.wait_until(lambda: tab.identifiers("queue-row-"), 120)
            continue
        await back_to_queue(tab)
        await asyncio.sleep(max(0.0, OPEN_EVERY_S - (time.monotonic() - tick)))


async def per_open_cost(tab: FletTab, pids: list[int], opens: int) -> dict[str, float]:
    rng = random.Random(7)
    open_cpu, open_bytes, back_cpu, back_bytes = [], [], [], []
    for _ in range(opens):
        await tab.quiet(0.3)
        cpu, got = sum(cpu_s(x) for x in pids), tab.received_bytes
        await open_report(tab, rng)
        await tab.quiet(0.3)
        open_cpu.append((sum(cpu_s(x) for x in pids) - cpu) * 1000)
        open_bytes.append(tab.received_bytes - got)
        cpu, got = sum(cpu_s(x) for x in pids), tab.received_bytes
        await back_to_queue(tab)
        await tab.quiet(0.3)
        back_cpu.append((sum(cpu_s(x) for x in pids) - cpu) * 1000)
        back_bytes.append(tab.received_bytes - got)
    return {
        "report_open_cpu_ms": round(statistics.mean(open_cpu), 1),
        "report_open_bytes": int(statistics.median(open_bytes)),
        "queue_back_cpu_ms": round(statistics.mean(back_cpu), 1),
        "queue_back_bytes": int(statistics.median(back_bytes)),
    }


async def run(options: argparse.Namespace, say: Any) -> dict[str, Any]:
    quick = options.quick
    tabs_busy, tabs_many = 10, 20
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "srv"
        say(f"seeding {options.reports:,} reports, {tabs_many} verifiers ...")
        from server.database import make_engine, upgrade_schema
        from server.settings import sqlite_url

        data_dir.mkdir(parents=True)
        engine = make_engine(sqlite_url(data_dir / "server.db"))
        upgrade_schema(engine)
        seed(engine, options.reports, devices=20, seed=options.reports)
        engine.dispose()
        for n in range(tabs_many):
            create_user(data_dir, f"bench{n}", PASSWORD, "verifier")
        env = {"FIELDAPP_CONSOLE_SESSION_GRACE": "2"}
        with (
            live_server_process(data_dir, console=True, workers=options.workers, timeout=120, env=env) as (base_url, serve),
            ProcessPoolExecutor(max_workers=4, mp_context=get_context("spawn")) as pool,
        ):
            # The pool's processes started (spawn imports this module) before anything is timed.
            await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(pool, _ready) for _ in range(8)))
            console = console_pid(serve.pid)
            pids = [serve.pid, console]
            figures: dict[str, Any] = {"reports": options.reports, "workers": options.workers}
            records = 1000 if quick else 3000
            say("ingest, no console in use ...")
            idle = await ingest_rps(pool, base_url, device_loads(base_url, data_dir, 2, records), health=True)
            say("ingest while 10 verifiers open a report every 2 s ...")
            loads = device_loads(base_url, data_dir, 2, records)
            rss_fresh = rss_mb(console)  # a console that has held no session yet
            tabs = [await signed_in_tab(base_url, n) for n in range(tabs_busy)]
            rss_per_session = (rss_mb(console) - rss_fresh) / tabs_busy
            busy_times: list[float] = []
            stop = asyncio.Event()
            workers_ = [asyncio.create_task(verifier(t, stop.is_set, busy_times, n)) for n, t in enumerate(tabs)]
            await asyncio.sleep(4)  # the verifiers under way
            busy = await ingest_rps(pool, base_url, loads, health=True)
            stop.set()
            await asyncio.gather(*workers_)
            figures.update(
                ingest_idle_rps=idle["rps"],
                ingest_busy_rps=busy["rps"],
                ratio=round(busy["rps"] / idle["rps"], 3),
                health_p50_ms_idle=idle["health_p50_ms"],
                health_p95_ms_idle=idle["health_p95_ms"],
                health_p50_ms_busy=busy["health_p50_ms"],
                health_p95_ms_busy=busy["health_p95_ms"],
            )
            say(f"  {figures}")
            say("one tab, reports opened one after another ...")
            for tab in tabs:
                await ensure_queue(tab)
            figures.update(await per_open_cost(tabs[0], pids, 8 if quick else 25))
            say(f"  {figures}")
            say(f"{tabs_many} verifiers, each opening a report every 2 s ...")
            rss_before = rss_mb(console)
            tabs += [await signed_in_tab(base_url, n) for n in range(tabs_busy, tabs_many)]
            for tab in tabs:
                await ensure_queue(tab)
            times: list[float] = []
            end = time.monotonic() + (20 if quick else 60)
            await asyncio.gather(*(verifier(t, lambda: time.monotonic() > end, times, 100 + n) for n, t in enumerate(tabs)))
            figures.update(
                report_open_p50_ms=round(p(times, 0.5), 1),
                report_open_p95_ms=round(p(times, 0.95), 1),
                report_opens=len(times),
                report_open_failures=len(FAILURES),
            )
            say(f"  {figures}")
            for tab in tabs:
                await tab.close()
            await asyncio.sleep(15)  # grace 2 s + Flet's 10 s check
            rss_idle = rss_mb(console)
            say("memory over open/close rounds ...")
            rounds = []
            for _ in range(3 if quick else 6):
                round_tabs = [await signed_in_tab(base_url, n) for n in range(10)]
                for tab in round_tabs:
                    await tab.close()
                await asyncio.sleep(13)
                rounds.append(round(rss_mb(console), 1))
            figures.update(
                rss_per_session_mb=round(rss_per_session, 2),
                rss_console_start_mb=round(rss_before, 1),
                rss_after_tabs_closed_mb=round(rss_idle, 1),
                rss_cycles_mb=rounds,
            )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="shorter runs (for a smoke check)")
    parser.add_argument("--reports", type=int, default=2000, help="seeded reports (default 2000)")
    parser.add_argument("--workers", type=int, default=1, help="API processes (default 1)")
    options = parser.parse_args()

    def say(text: str) -> None:
        if not options.json:
            print(text, file=sys.stderr, flush=True)

    figures = asyncio.run(run(options, say))
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    if options.json:
        print(json.dumps(figures))
        return 0
    targets = {
        "ratio": ">= 0.8",
        "health_p95_ms_busy": "<= 20",
        "report_open_cpu_ms": "<= 50",
        "report_open_bytes": "<= 20480",
        "report_open_p95_ms": "<= 500",
    }
    for name, value in figures.items():
        print(f"{name:26} {value}" + (f"   (target {targets[name]})" if name in targets else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
