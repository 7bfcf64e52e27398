"""`fieldapp app` (the Flet observer app) and `fieldapp demo` (server + app, enrolled).

Flet is imported only inside these verbs' handlers.
"""

import argparse
import contextlib
import importlib.util
import os
import sys
import threading

EXIT_ERROR = 1


def register(subparsers) -> None:
    app = subparsers.add_parser(
        "app",
        help="the observer app: a desktop window, or --web for a browser",
        description="Run the observer app. --web serves it to a browser on this machine "
        "(bound to 127.0.0.1 unless --host says otherwise); everything is served locally.",
    )
    app.add_argument("--web", action="store_true", help="serve the app to a browser instead of a window")
    app.add_argument("--host", default="127.0.0.1", help="address to bind with --web (default 127.0.0.1)")
    app.add_argument("--port", type=int, default=8550, help="port with --web (default 8550)")
    app.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the device's data directory (default: $FIELDAPP_DATA_DIR, else the user data directory)",
    )
    app.set_defaults(handler=run_app)

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
    demo.set_defaults(handler=run_demo)


def _desktop_client_available() -> bool:
    """The window needs the flet-desktop package and a display; without them Flet would try
    to download a client, which an offline laptop can't."""
    if importlib.util.find_spec("flet_desktop") is None:
        return False
    return not (
        sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    )


def serve_web(data_dir, *, host: str, port: int, announce=print) -> None:
    """Serve the app at http://host:port/ until Ctrl-C (renderer from the flet-web wheel, no CDN).

    Flet's ASGI app, served by uvicorn here rather than by `ft.run`, so that it sits inside
    `sync.web_client.OwnOriginMiddleware`: the client asks no host but this one, and every
    answer carries the Content-Security-Policy (docs/security.md).
    """
    from pathlib import Path

    import flet as ft
    import flet_web
    import uvicorn

    from fieldapp.ui.app import make_main
    from fieldapp.ui.paths import ASSETS_DIR
    from sync.web_client import FlutterClient, OwnOriginMiddleware

    _check_port_free(host, port)
    os.environ.setdefault("FLET_WEB_NO_CDN", "1")
    flet_app = ft.run(make_main(data_dir), export_asgi_app=True, no_cdn=True, assets_dir=str(ASSETS_DIR))
    client = FlutterClient(mount="/", web_dir=Path(flet_web.get_package_web_dir()))
    announce(f"FieldApp is at http://{host}:{port}/  (Ctrl-C stops it)")
    sys.stdout.flush()
    config = uvicorn.Config(
        OwnOriginMiddleware(flet_app, clients=[client]),
        host=host,
        port=port,
        ws="websockets-sansio",  # what Flet's own server uses
        log_level="warning",
        timeout_graceful_shutdown=5,  # an open tab's websocket must not hold Ctrl-C up
    )
    server = uvicorn.Server(config)
    if not ft.utils.is_linux_server():  # as `ft.run` did: open the page where there is a screen
        threading.Thread(
            target=_open_when_started, args=(server, f"http://{host}:{port}/"), daemon=True
        ).start()
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C once it has stopped
        server.run()


def _open_when_started(server, url: str) -> None:
    import time

    import flet as ft

    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    if server.started:
        ft.utils.open_in_browser(url)


def _check_port_free(host: str, port: int) -> None:
    import socket

    from fieldapp.errors import FieldAppError

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port"
            raise FieldAppError(reason) from None


def run_app(args: argparse.Namespace) -> int:
    from fieldapp.services.paths import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    if args.web:
        serve_web(data_dir, host=args.host, port=args.port)
        return 0
    if not _desktop_client_available():
        print(
            "error: no Flet desktop client here (needs the flet-desktop package and a display); "
            f"run `fieldapp app --web` and open http://127.0.0.1:{args.port}/ instead",
            file=sys.stderr,
        )
        return EXIT_ERROR
    import flet as ft

    from fieldapp.ui.app import make_main
    from fieldapp.ui.paths import ASSETS_DIR

    ft.run(make_main(data_dir), assets_dir=str(ASSETS_DIR))
    return 0


# -- demo ------------------------------------------------------------------------------

DEMO_PASSPHRASE = "demo field passphrase"  # noqa: S105 - printed on purpose: it is a demo device
DEMO_VERIFIER = "verifier"


def run_demo(args: argparse.Namespace) -> int:
    import secrets
    import shutil
    from pathlib import Path

    root = Path(args.dir).resolve()
    server_dir, device_dir = root / "server", root / "device"
    if root.exists():
        shutil.rmtree(root)  # every demo starts from nothing: no stale keys or codes
    server_dir.mkdir(parents=True)
    base_url = f"http://127.0.0.1:{args.server_port}"
    password = secrets.token_urlsafe(12)
    with _demo_server(server_dir, args.server_port):
        _server_setup(server_dir, password)
        code = _enrollment_code(server_dir)
        _demo_device(device_dir, base_url, code)
        print("FieldApp demo")
        print(f"  server:          {base_url}   (API docs: {base_url}/docs)")
        print(f"  verifier console: {base_url}/console")
        print(f"  verifier login:  {DEMO_VERIFIER} / {password}")
        print(f"  app passphrase:  {DEMO_PASSPHRASE}")
        print(f"  demo data:       {root}")
        serve_web(
            device_dir,
            host="127.0.0.1",
            port=args.port,
            announce=lambda line: print(f"  app:             {line}"),
        )
    print("demo stopped")
    return 0


def _demo_server(server_dir, port: int):
    """`fieldapp serve` as a child process on 127.0.0.1, stopped (TERM, then KILL) on exit."""
    import contextlib
    import signal
    import subprocess
    import time

    import httpx

    from fieldapp.errors import FieldAppError

    @contextlib.contextmanager
    def running():
        log = open(server_dir / "server.log", "ab")  # noqa: SIM115 - closed in finally
        command = [
            sys.executable,
            "-m",
            "fieldapp",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(server_dir),
        ]
        env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_DATABASE_URL"}
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise FieldAppError(f"the demo server stopped at start; see {server_dir / 'server.log'}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise FieldAppError(f"the demo server did not answer on port {port}; is the port free?")
                time.sleep(0.2)
            yield
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            log.close()

    return running()


def _server_settings(server_dir):
    from server.settings import Settings

    return Settings.resolve(data_dir=server_dir, environ={})


def _server_setup(server_dir, password: str) -> None:
    from datetime import UTC, datetime

    from server import admin
    from server.registers import demo

    admin.create_user(
        _server_settings(server_dir), username=DEMO_VERIFIER, password=password, role="verifier"
    )
    demo.seed_registers(_server_settings(server_dir), today=datetime.now(UTC).date())


def _enrollment_code(server_dir) -> str:
    from server import admin

    return admin.create_enrollment_code(_server_settings(server_dir), label="demo device")


def _demo_device(device_dir, base_url: str, code: str) -> None:
    from fieldapp.services import create_device
    from fieldapp.services.enrollment import enroll_device

    with create_device(device_dir, DEMO_PASSPHRASE) as device:
        enroll_device(device, base_url, code, label="demo device")
        _demo_reports(device, device_dir.parent / "server")


def _demo_reports(device, server_dir) -> None:
    """A month of reports naming the registers, sent, most of them decided: the tracker moves."""
    from datetime import UTC, datetime

    from fieldapp.errors import FieldAppError
    from fieldapp.services.syncing import run_sync
    from server.registers import demo

    planned = demo.demo_observations(datetime.now(UTC).date())
    ids = device.record_many([record for record, _ in planned], finalize=True)
    report = run_sync(device)  # sends them and pulls the registers
    if report.status != "done":
        raise FieldAppError(f"the demo device could not sync: {report.error}")
    decisions = [(rid, decision) for rid, (_, decision) in zip(ids, planned, strict=True) if decision]
    demo.decide(_server_settings(server_dir), decisions, actor=DEMO_VERIFIER)
