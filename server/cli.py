"""`fieldapp serve` and `fieldapp admin ...`: the server's verbs.

The `fieldapp` command finds them through the `fieldapp.verbs` entry points this side
registers in pyproject.toml (with `demo`, server/demo.py); `python -m server VERB` runs the
same verbs without that command (what server/launcher.py starts).

Only argparse and the standard library at module level: FastAPI, uvicorn and SQLAlchemy
are imported inside the handlers, so other `fieldapp` verbs start fast. Passwords come
from FIELDAPP_NEW_PASSWORD or stdin, never from an argument.
"""

import argparse
import getpass
import os
import sys
from pathlib import Path

PASSWORD_ENV = "FIELDAPP_NEW_PASSWORD"  # noqa: S105 - the variable's name, not a password


def main(argv: list[str] | None = None) -> int:
    """`python -m server VERB ...`: serve, admin and demo, as `fieldapp` offers them."""
    from .demo import register as register_demo

    parser = argparse.ArgumentParser(prog="python -m server", description="The verification server's verbs.")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    register(subparsers)
    register_demo(subparsers)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the verification server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    _add_location_options(serve)
    serve.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error"), help="default info"
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help="API processes sharing the port (default: the number of cores); the console has its own",
    )
    serve.add_argument(
        "--no-console",
        dest="console",
        action="store_false",
        help="serve the API only (the console runs apart: `fieldapp console`, docs/deploy.md)",
    )
    serve.set_defaults(handler=guarded(_serve))

    console = subparsers.add_parser(
        "console",
        help="run the verifiers' console alone (for a console pool; `serve` starts its own)",
        description="The console's own process: serves /console and calls the API at --api-url. "
        "The key shared with the API comes from FIELDAPP_CONSOLE_KEY (docs/deploy.md).",
    )
    console.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    console.add_argument("--port", type=int, default=8100, help="port (default 8100)")
    console.add_argument("--api-url", required=True, help="where the API answers, e.g. http://10.0.0.11:8001")
    _add_location_options(console)
    console.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error"), help="default info"
    )
    # `serve` hands its child a listening socket and a pipe (key, then end-of-file when it stops).
    console.add_argument("--fd", type=int, default=None, help=argparse.SUPPRESS)
    console.add_argument("--lifeline-fd", type=int, default=None, help=argparse.SUPPRESS)
    console.set_defaults(handler=guarded(_console))

    admin = subparsers.add_parser(
        "admin",
        help="server administration (on an existing server: `admin init` makes a new one)",
        description="Every action works on the server in --data-dir, else FIELDAPP_SERVER_DATA_DIR, else "
        "the directory `serve` uses by default; where no server is, it refuses (only `init` makes one).",
    )
    verbs = admin.add_subparsers(dest="admin_verb", metavar="ACTION", required=True)

    init = verbs.add_parser("init", help="make a new server (keys and database) in the data directory")
    _add_location_options(init)
    init.set_defaults(handler=guarded(_init))

    user = verbs.add_parser("create-user", help="create a verifier or administrator account")
    user.add_argument("--username", required=True, help="the name to sign in with")
    user.add_argument("--role", required=True, type=_role, help="verifier or admin")
    _add_location_options(user)
    user.set_defaults(handler=guarded(_create_user))

    code = verbs.add_parser("enrollment-code", help="make a one-time device enrolment code (printed alone)")
    code.add_argument(
        "--label", default=None, help="a note of whose device it is for (shown with the device)"
    )
    code.add_argument(
        "--expires-hours", type=float, default=None, help="how long the code stays valid (default: a day)"
    )
    _add_location_options(code)
    code.set_defaults(handler=guarded(_enrollment_code))

    bundle = verbs.add_parser("import-bundle", help="import an offline bundle file")
    bundle.add_argument("file", type=Path, help="the .fieldapp-bundle.json(.gz) a device exported")
    _add_location_options(bundle)
    bundle.set_defaults(handler=guarded(_import_bundle))

    export = verbs.add_parser("export", help="export reports as GeoJSON, CSV, or a zip of GeoJSON + photos")
    export.add_argument(
        "--format", required=True, choices=("geojson", "csv", "zip"), dest="fmt", help="zip: GeoJSON + photos"
    )
    export.add_argument("--state", type=_review_state, default=None, help="only reports in this review state")
    export.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    _add_location_options(export)
    export.set_defaults(handler=guarded(_export))

    evidence = verbs.add_parser(
        "evidence", help="write one report's evidence package (check it with `verify`)"
    )
    evidence.add_argument("--record", required=True, metavar="ID", help="the report's record id")
    evidence.add_argument("--out", required=True, type=Path, metavar="FILE.zip", help="the package to write")
    _add_location_options(evidence)
    evidence.set_defaults(handler=guarded(_evidence))

    from server.sitreps.cli import register as register_sitrep

    register_sitrep(verbs, location_options=_add_location_options, guarded=guarded, settings=_settings)

    registers = verbs.add_parser("registers", help="the mission's registers: import or export one")
    register_verbs = registers.add_subparsers(dest="registers_verb", metavar="ACTION", required=True)
    load = register_verbs.add_parser(
        "import", help="load a CSV or GeoJSON file (idempotent by id, all or nothing)"
    )
    load.add_argument(
        "--register", required=True, type=_register, metavar="NAME", help=REGISTER_HELP
    )
    load.add_argument("file", type=Path, help="the CSV or GeoJSON file (docs/registers.md)")
    load.add_argument(
        "--format",
        choices=("csv", "geojson"),
        default=None,
        dest="fmt",
        help="default: from the file name (.geojson/.json, else csv)",
    )
    _add_location_options(load)
    load.set_defaults(handler=guarded(_registers_import))
    dump = register_verbs.add_parser("export", help="write a register as CSV or GeoJSON")
    dump.add_argument(
        "--register", required=True, type=_register, metavar="NAME", help=REGISTER_HELP
    )
    dump.add_argument("--format", choices=("csv", "geojson"), default="geojson", dest="fmt", help="default geojson")
    dump.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    _add_location_options(dump)
    dump.set_defaults(handler=guarded(_registers_export))


# The vocabularies live in sync.wire and server.schemas (pydantic): they are imported only
# when the option is given, so building the parser stays cheap. A bad value is a usage
# error (exit 2), as argparse's own `choices` would make it.


def _review_state(text: str) -> str:
    from sync.wire import REVIEW_STATES

    return _one_of(text, REVIEW_STATES)


def _role(text: str) -> str:
    from server.schemas import ROLES

    return _one_of(text, ROLES)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1: {text!r}")
    return value


REGISTER_HELP = "which register: units, camps, storage_sites, crossings, lines_and_areas or obligations"


def _register(text: str) -> str:
    from server.registers.store import ALL_REGISTERS

    return _one_of(text, ALL_REGISTERS)


def _one_of(text: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(choices)})")
    return text


def _add_location_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="keys and server.db (default: FIELDAPP_SERVER_DATA_DIR)"
    )
    parser.add_argument(
        "--database-url", default=None, help="e.g. postgresql+psycopg://... (default: FIELDAPP_DATABASE_URL)"
    )


def guarded(handler):
    """Server errors become one line on stderr and exit code 1 (other errors go to fieldapp's main)."""

    def run(args: argparse.Namespace) -> int:
        from server.errors import ServerError

        try:
            return handler(args)
        except ServerError as exc:
            print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 1
        except Exception as exc:
            text = _database_problem(exc)
            if text is None:
                raise
            print(f"error: {text}", file=sys.stderr)
            return 1

    return run


def _database_problem(exc: Exception) -> str | None:
    try:
        import sqlalchemy.exc
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return "cannot reach the database: " + " ".join(str(exc.orig).split())[:200]
    return None


def _settings(args: argparse.Namespace):
    """The settings `serve` would use; an admin action (but `init`) also needs a server there."""
    from server.settings import DATA_DIR_ENV, Settings

    settings = Settings.resolve(data_dir=args.data_dir, database_url=args.database_url)
    admin_verb = getattr(args, "admin_verb", None)
    if admin_verb is None:
        return settings
    source = (
        "from --data-dir" if args.data_dir else f"from {DATA_DIR_ENV}" if os.environ.get(DATA_DIR_ENV) else ""
    )
    if admin_verb == "init":
        return settings
    from server.admin import NoServerHere, server_exists

    if not server_exists(settings):
        raise NoServerHere(
            f"no FieldApp server in {settings.data_dir} ({source or 'the default data dir'}): "
            "give the server's own directory with --data-dir, or make a new server there with "
            "`fieldapp admin init`"
        )
    if not source:  # said, so that a default no one meant is seen
        print(f"server data dir {settings.data_dir} (the default, as for `fieldapp serve`)", file=sys.stderr)
    return settings


def _init(args: argparse.Namespace) -> int:
    from server import admin

    settings = _settings(args)
    admin.init_server(settings)
    print(f"made a new FieldApp server in {settings.data_dir}")
    print("next: fieldapp admin create-user --username NAME --role admin, then fieldapp serve")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.console.process import CONSOLE_KEY_ENV, take_console_key
    from server.logs import configure_logging
    from server.main import create_app, prepare, worker_environment

    configure_logging(args.log_level.upper())
    settings = _settings(args)
    workers = args.workers or _cores()
    common = {"host": args.host, "port": args.port, "log_level": args.log_level, "access_log": False}
    # Without its own console (`--no-console`), a key in the environment is the one a console
    # run apart shares with this API; with it, a fresh key for this start.
    outside_key = take_console_key()
    if workers == 1:
        app = create_app(settings)  # the schema upgraded before the console starts
    else:
        # Several processes on one socket: the schema and the keys are made once, here, before
        # any worker starts; each worker then builds its app from the same settings.
        prepare(settings)
        app = None
    supervisor = _start_console(args, settings) if args.console else None
    key = supervisor.key if supervisor else outside_key
    upstream = supervisor.upstream if supervisor else None
    where = f"http://{args.host}:{args.port} (data: {settings.data_dir}, {workers} worker(s)"
    where += f", console in process {supervisor.pid})" if supervisor else ", no console)"
    try:
        if app is not None:
            if key:
                from server.api.client_address import install_console_key

                install_console_key(app, key)
            if upstream:
                from server.console.relay import ConsoleRelay

                app.add_middleware(ConsoleRelay, upstream=upstream)
            print(f"FieldApp server on {where}", file=sys.stderr)
            uvicorn.run(app, **common)
            return 0
        os.environ.update(
            worker_environment(settings, log_level=args.log_level.upper(), console_upstream=upstream)
        )
        if key:
            os.environ[CONSOLE_KEY_ENV] = key  # each worker takes it at start (server.main.worker_app)
        print(f"FieldApp server on {where}", file=sys.stderr)
        uvicorn.run("server.main:worker_app", factory=True, workers=workers, **common)
        return 0
    finally:
        if supervisor:
            supervisor.stop()


def _start_console(args: argparse.Namespace, settings):
    """The console's own process, on a loopback socket (server/console/supervisor.py), or None."""
    import logging
    import secrets

    from server.console.supervisor import ConsoleSupervisor, console_installed
    from server.main import worker_environment

    log = logging.getLogger("fieldapp.server")

    if not settings.console:
        return None
    if not console_installed():  # flet-web missing: the API still serves
        log.warning("console not available", extra={"fields": {"missing": "flet_web"}})
        return None
    local = "127.0.0.1" if args.host in ("0.0.0.0", "", "localhost") else args.host  # noqa: S104
    local = "[::1]" if args.host == "::" else f"[{local}]" if ":" in local else local
    environ = {**os.environ, **worker_environment(settings, log_level=args.log_level.upper())}
    supervisor = ConsoleSupervisor(
        api_url=f"http://{local}:{args.port}",
        key=secrets.token_urlsafe(32),
        environ=environ,
        log_level=args.log_level,
    )
    supervisor.start()
    return supervisor


def _console(args: argparse.Namespace) -> int:
    from server.console.process import run_console, take_console_key, watch_lifeline
    from server.logs import configure_logging

    configure_logging(args.log_level.upper())
    settings = _settings(args)
    key = watch_lifeline(args.lifeline_fd) if args.lifeline_fd is not None else take_console_key()
    if not key:
        print(
            "warning: no FIELDAPP_CONSOLE_KEY: the API will count every console sign-in as coming "
            "from this host (docs/deploy.md)",
            file=sys.stderr,
        )
    where = f"fd {args.fd}" if args.fd is not None else f"http://{args.host}:{args.port}"
    print(f"FieldApp console on {where}/console (API: {args.api_url}, process {os.getpid()})", file=sys.stderr)
    run_console(
        settings,
        api_url=args.api_url,
        client_key=key,
        host=args.host,
        port=args.port,
        fd=args.fd,
        log_level=args.log_level,
    )
    return 0


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _read_password() -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value is None:
        if sys.stdin.isatty():
            value = getpass.getpass("New password: ")
        else:
            value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        from server.errors import InvalidInput

        raise InvalidInput(f"no password given: set {PASSWORD_ENV} or type it on standard input")
    return value


def _create_user(args: argparse.Namespace) -> int:
    from server import admin

    admin.create_user(_settings(args), username=args.username, password=_read_password(), role=args.role)
    print(f"created {args.role} {args.username}", file=sys.stderr)
    return 0


def _enrollment_code(args: argparse.Namespace) -> int:
    from server import admin

    print(admin.create_enrollment_code(_settings(args), label=args.label, expires_hours=args.expires_hours))
    return 0


def _import_bundle(args: argparse.Namespace) -> int:
    from server import admin

    results = admin.import_bundle(_settings(args), args.file)
    counts = {
        status: sum(1 for r in results if r.status == status)
        for status in ("accepted", "duplicate", "rejected")
    }
    for result in results:
        if result.status == "rejected":
            print(f"rejected {result.record_id}: {result.reason}", file=sys.stderr)
    print(f"accepted {counts['accepted']}, duplicate {counts['duplicate']}, rejected {counts['rejected']}")
    return 1 if counts["rejected"] else 0


def _registers_import(args: argparse.Namespace) -> int:
    from server.registers import admin

    result = admin.import_register_file(_settings(args), args.register, args.file, fmt=args.fmt)
    print(
        f"{args.register}: added {len(result.added)}, changed {len(result.changed)}, "
        f"unchanged {len(result.unchanged)}"
    )
    return 0


def _registers_export(args: argparse.Namespace) -> int:
    from server.registers import admin

    _write_out(admin.export_register(_settings(args), args.register, fmt=args.fmt), args.out)
    return 0


def _write_out(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    temp = out.with_name(f".{out.name}.tmp")
    temp.write_text(text, encoding="utf-8", newline="")
    os.replace(temp, out)  # never a half-written file
    print(f"wrote {out}", file=sys.stderr)


def _export(args: argparse.Namespace) -> int:
    from server import admin

    if args.fmt == "zip":
        if args.out is None:
            from server.errors import InvalidInput

            raise InvalidInput("a zip export needs --out FILE")
        photos = admin.export_zip(_settings(args), args.out, state=args.state)
        print(f"wrote {args.out} ({photos} photos)", file=sys.stderr)
        return 0
    if args.out is None:
        sys.stdout.flush()
        out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)  # noqa: SIM115
        with out:
            admin.export(_settings(args), out, fmt=args.fmt, state=args.state)
        return 0
    temp = args.out.with_name(f".{args.out.name}.tmp")
    try:
        with open(temp, "w", encoding="utf-8", newline="") as out:
            admin.export(_settings(args), out, fmt=args.fmt, state=args.state)
        os.replace(temp, args.out)  # never a half-written export
    finally:
        temp.unlink(missing_ok=True)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _evidence(args: argparse.Namespace) -> int:
    import re

    from server import admin
    from server.errors import InvalidInput

    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", args.record):
        raise InvalidInput(f"not a record id: {args.record!r}")
    size = admin.evidence_package(_settings(args), args.record, args.out)
    print(f"wrote {args.out} ({size} bytes); check it with: fieldapp verify {args.out}", file=sys.stderr)
    return 0

