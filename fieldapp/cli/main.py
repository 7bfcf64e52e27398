"""Entry point of the `fieldapp` command.

The parser is built from verb modules that import nothing heavy at module level:
each verb imports what it uses inside its handler, so scripted calls start fast
(Flet only for `app`/`demo`, FastAPI/uvicorn only for `serve`/`admin`).

Every error reaches the user as one line on stderr and a non-zero exit code.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Each module defines `register(subparsers)`, adding its verbs with
# `set_defaults(handler=callable(args) -> int)`.
VERB_MODULES = (
    "fieldapp.cli.observer",  # init, record, list, show, finalize, passphrase, wipe
    "fieldapp.cli.syncing",  # enroll, sync, export-bundle
    "fieldapp.cli.app",  # app, demo
    "server.cli",  # serve, admin ...
    "sync.verify_cli",  # verify (offline; needs only the sync package)
)

EXIT_ERROR = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldapp",
        description="Offline-first field reporting for ceasefire monitors.",
        epilog="`fieldapp COMMAND --help` says more about each command.",
    )
    parser.add_argument("--version", action="version", version=f"fieldapp {_version()}")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    for name in VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that part is not built or not installed
            raise
        module.register(subparsers)
    return parser


def _version() -> str:
    from fieldapp import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # the one place errors become text for the command line
        if os.environ.get("FIELDAPP_DEBUG"):
            raise
        print(f"error: {describe(exc)}", file=sys.stderr)
        return EXIT_ERROR


def describe(exc: BaseException) -> str:
    """One line for a person: our own errors say what happened; others are named."""
    from fieldapp.errors import FieldAppError

    known: tuple[type[BaseException], ...] = (FieldAppError, OSError)
    try:
        from sync.errors import SyncError

        known += (SyncError,)
    except ImportError:  # pragma: no cover - sync ships with fieldapp
        pass
    if isinstance(exc, OSError) and not isinstance(exc, FieldAppError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    if isinstance(exc, known):
        return " ".join(str(exc).split())
    return f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())}"


if __name__ == "__main__":
    sys.exit(main())
