"""`fieldapp demo`: a local server and the observer app in web mode, a demo device enrolled.

A verb of the server side (registered through the `fieldapp.verbs` entry points, like
`serve` and `admin`): an observer-only install has no demo because it has no server. The
server starts through the one launcher (server/launcher.py). The device side is driven
through its own command line (`fieldapp init`, `enroll`, `app --web`), as a person would,
so the server still imports nothing of `fieldapp`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

DEMO_PASSPHRASE = "demo field passphrase"  # noqa: S105 - printed on purpose: it is a demo device
DEMO_VERIFIER = "verifier"
DEMO_LABEL = "demo device"
APP_STOP_WAIT_S = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    from .cli import guarded

    demo = subparsers.add_parser(
        "demo",
        help="start a local server and the app with an enrolled demo device; print URLs and a login",
        description="Start the verification server (SQLite) and the observer app in web mode on "
        "127.0.0.1, with a demo device already enrolled. Demo data lives in ./.fieldapp-demo/ "
        "and is started afresh on every run. Ctrl-C stops everything.",
    )
    demo.add_argument("--port", type=int, default=8550, help="the app's port (default 8550)")
    demo.add_argument("--server-port", type=int, default=8000, help="the server's port (default 8000)")
    demo.add_argument(
        "--dir", default=".fieldapp-demo", help="where demo data goes (default ./.fieldapp-demo)"
    )
    demo.set_defaults(handler=guarded(run_demo))


def run_demo(args: argparse.Namespace) -> int:
    from . import admin
    from .launcher import running_server
    from .registers import demo as registers_demo
    from .settings import Settings

    root = Path(args.dir).resolve()
    server_dir, device_dir = root / "server", root / "device"
    if root.exists():
        shutil.rmtree(root)  # every demo starts from nothing: no stale keys or codes
    server_dir.mkdir(parents=True)
    password = secrets.token_urlsafe(12)
    settings = Settings.resolve(data_dir=server_dir, environ={})
    with running_server(server_dir, port=args.server_port) as server:
        base_url = server.base_url
        admin.create_user(settings, username=DEMO_VERIFIER, password=password, role="verifier")
        registers_demo.seed_registers(settings, today=datetime.now(UTC).date())
        code = admin.create_enrollment_code(settings, label=DEMO_LABEL)
        _observer("init", "--data-dir", str(device_dir))
        enroll = ("--server", base_url, "--code", code, "--label", DEMO_LABEL)
        _observer("enroll", *enroll, "--data-dir", str(device_dir))
        _demo_reports(root, device_dir, settings)
        print("FieldApp demo")
        print(f"  server:          {base_url}   (API docs: {base_url}/docs)")
        print(f"  verifier console: {base_url}/console")
        print(f"  verifier login:  {DEMO_VERIFIER} / {password}")
        print(f"  app passphrase:  {DEMO_PASSPHRASE}")
        print(f"  demo data:       {root}")
        print(f"  situation report: {base_url}/console (Situation report), or fieldapp admin sitrep "
              f"--date {sitrep_day()} --format pdf --out sitrep.pdf --data-dir {server_dir}")
        sys.stdout.flush()
        status = _serve_app(device_dir, port=args.port)
    if status == 0:
        print("demo stopped")
    return status


def _demo_reports(root: Path, device_dir: Path, settings) -> None:
    """A month of reports naming the registers, sent, most of them decided: the tracker moves;
    and two days of reports for the situation report (server/sitreps/demo.py)."""
    from .registers import demo as registers_demo
    from .sitreps import demo as sitrep_demo

    now = datetime.now(UTC)
    planned = registers_demo.demo_observations(now.date())
    planned += sitrep_demo.sitrep_observations(sitrep_demo.demo_day(now))
    reports = root / "demo-reports.json"
    reports.write_text(json.dumps([record for record, _ in planned]), encoding="utf-8")
    ids = _observer("record", "--json", str(reports), "--finalize", "--data-dir", str(device_dir)).split()
    _observer("sync", "--data-dir", str(device_dir))  # sends them and pulls the registers
    decisions = [(rid, decision) for rid, (_, decision) in zip(ids, planned, strict=True) if decision]
    registers_demo.decide(settings, decisions, actor=DEMO_VERIFIER)


def sitrep_day() -> str:
    from .sitreps.demo import demo_day

    return demo_day(datetime.now(UTC)).isoformat()


def _observer_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "fieldapp", *args]


def _observer_env() -> dict[str, str]:
    return {**os.environ, "FIELDAPP_PASSPHRASE": DEMO_PASSPHRASE}  # never on a command line


def _observer(*args: str) -> str:
    """One observer verb to its end, its standard output; its own error line if it fails."""
    from .errors import ServerError

    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        _observer_command(*args),
        env=_observer_env(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise ServerError(f"the demo device could not be set up (`fieldapp {args[0]}`): {said}")
    return done.stdout


def _serve_app(device_dir: Path, *, port: int) -> int:
    """`fieldapp app --web` until Ctrl-C; its address line is shown under the demo's others."""
    command = _observer_command(
        "app", "--web", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(device_dir)
    )
    app = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        command, env=_observer_env(), stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    assert app.stdout is not None
    try:
        for line in app.stdout:
            print(f"  app:             {line}" if "FieldApp is at" in line else line, end="", flush=True)
        return app.wait()
    except KeyboardInterrupt:
        return 0  # Ctrl-C: the way a demo ends
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGINT)
            try:
                app.wait(timeout=APP_STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait(timeout=APP_STOP_WAIT_S)
