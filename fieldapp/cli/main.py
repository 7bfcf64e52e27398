"""Entry point of the `fieldapp` command.

The parser is built from verb modules that import nothing heavy at module level:
each verb imports what it uses inside its handler, so scripted calls start fast
(Flet only for `app`, FastAPI/uvicorn only for the server's verbs).

The observer's verbs are listed here. Other parts of an installation add theirs through
the `fieldapp.verbs` entry-point group: the verification server registers `serve`,
`admin ...` and `demo` there (pyproject.toml). This package never names the server, so a
phone or observer-only install simply has no such entry points and `fieldapp --help` shows
the observer's verbs alone.

Every error reaches the user as one line on stderr and a non-zero exit code.
"""

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points

from fieldapp.cli import app, observer, syncing
from sync import verify_cli

# Each module defines `register(subparsers)`, adding its verbs with
# `set_defaults(handler=callable(args) -> int)`.
VERB_MODULES = (
    observer,  # init, record, list, show, finalize, passphrase, wipe
    syncing,  # enroll, sync, export-bundle
    app,  # app
    verify_cli,  # verify (offline; needs only the sync package)
)
# Where other parts register theirs: each entry point names a `register(subparsers)`.
VERB_GROUP = "fieldapp.verbs"
# Verbs a server installation adds (DESIGN.md's command list), named so that asking for one
# where there is no server gets a sentence rather than argparse's "invalid choice".
SERVER_SIDE_VERBS = ("serve", "console", "admin", "demo")

EXIT_ERROR = 1
EXIT_USAGE = 2  # as argparse exits for a command it does not know


def installed_verbs() -> list[EntryPoint]:
    """The entry points other parts of this installation registered (none on a phone)."""
    return sorted(entry_points(group=VERB_GROUP), key=lambda entry: entry.name)


def build_parser(extra_verbs: Iterable[EntryPoint] | None = None) -> argparse.ArgumentParser:
    """The parser with the observer's verbs and those of `extra_verbs` (default: the installed ones)."""
    parser = argparse.ArgumentParser(
        prog="fieldapp",
        description="Offline-first field reporting for ceasefire monitors.",
        epilog="`fieldapp COMMAND --help` says more about each command.",
    )
    parser.add_argument("--version", action="version", version=f"fieldapp {_version()}")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    for module in VERB_MODULES:
        module.register(subparsers)
    for entry in installed_verbs() if extra_verbs is None else extra_verbs:
        try:
            register = entry.load()
        except ModuleNotFoundError as exc:
            if exc.name and entry.module.startswith(exc.name):
                continue  # registered by a part that is no longer installed
            raise
        register(subparsers)
    return parser


def _version() -> str:
    from fieldapp import __version__

    return __version__


def main(argv: Sequence[str] | None = None, *, extra_verbs: Iterable[EntryPoint] | None = None) -> int:
    parser = build_parser(extra_verbs)
    argv = sys.argv[1:] if argv is None else list(argv)
    missing = _missing_server_verb(parser, argv)
    if missing:
        print(
            f"error: `fieldapp {missing}` belongs to the verification server, which this "
            "installation does not include (only the observer side is here; a server installs "
            "with the project's server extra)",
            file=sys.stderr,
        )
        return EXIT_USAGE
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


def _missing_server_verb(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """The server verb asked for when no part of this installation registered it."""
    verb = next((word for word in argv if not word.startswith("-")), None)
    if verb not in SERVER_SIDE_VERBS:
        return None
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return None if verb in subparsers.choices else verb


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
