"""`fieldapp app`: the Flet observer app, in a window or served to a browser (`--web`).

Flet is imported only inside the handler. (`fieldapp demo`, server and app together, is a
verb the server side registers; it runs this verb for its app.)
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


def _desktop_client_available() -> bool:
    """The window needs the flet-desktop package and a display; without them Flet would try
    to download a client, which an offline laptop can't."""
    if importlib.util.find_spec("flet_desktop") is None:
        return False
    return not (
        sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    )


def serve_web(data_dir, *, host: str, port: int) -> None:
    """Serve the app at http://host:port/ until Ctrl-C (renderer from the flet-web wheel, no CDN).

    Flet's ASGI app, served by uvicorn here rather than by `ft.run`, so that it sits inside
    `sync.web_client.OwnOriginMiddleware`: the client asks no host but this one, and every
    answer carries the Content-Security-Policy (docs/security.md).
    """
    from pathlib import Path

    from fieldapp.errors import FieldAppError

    _check_port_free(host, port)
    try:  # the web extra (flet-web brings uvicorn): a laptop's, never installed on a phone
        import flet_web
        import uvicorn
    except ModuleNotFoundError:
        raise FieldAppError("the browser mode needs flet-web: pip install 'fieldapp[web]'") from None
    import flet as ft

    from fieldapp.ui.app import make_main
    from fieldapp.ui.paths import ASSETS_DIR
    from sync.web_client import FlutterClient, OwnOriginMiddleware

    os.environ.setdefault("FLET_WEB_NO_CDN", "1")
    flet_app = ft.run(make_main(data_dir), export_asgi_app=True, no_cdn=True, assets_dir=str(ASSETS_DIR))
    client = FlutterClient(mount="/", web_dir=Path(flet_web.get_package_web_dir()))
    print(f"FieldApp is at http://{host}:{port}/  (Ctrl-C stops it)")
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
