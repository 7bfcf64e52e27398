"""`fieldapp verify PACKAGE.zip|SITREP.json` — and, for a small separate install, `python -m sync.verify_cli`.

A situation report's signed JSON (docs/sitreps.md) is checked too: the server's signature,
then every number counted again from the records it lists (`sync.sitrep_format`).

Offline: reads the package (and optionally the server's key, given or pinned from an earlier
package), prints one line per check and a verdict. Exit 0 only when every check holds,
1 when any fails, 2 for a usage problem (no such file).
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_HOLDS, EXIT_FAILS, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify", help="check an evidence package or a situation report's JSON offline (exit 0 only if all holds)"
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "package", type=Path, metavar="PACKAGE.zip|SITREP.json",
        help="an evidence package (`fieldapp admin evidence`) or a situation report's JSON (`fieldapp admin sitrep`)"
    )
    pin = parser.add_mutually_exclusive_group()
    pin.add_argument(
        "--server-key",
        metavar="KEY",
        help="the server's Ed25519 public key you trust: base64 of its 32 bytes, or a PEM file",
    )
    pin.add_argument(
        "--pin-from", type=Path, metavar="EARLIER.zip", help="trust the server key of an earlier package"
    )


def run(args: argparse.Namespace) -> int:
    from .evidence_verify import holds, verify_package

    try:
        data = args.package.read_bytes()
        server_key = _pinned_key(args)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from .sitrep_format import looks_like_sitrep

    if looks_like_sitrep(data):
        return _sitrep(data, server_key, args.package)
    checks = verify_package(data, server_key=server_key)
    for check in checks:
        print(check.line())
    failed = [c for c in checks if c.outcome == "FAIL"]
    counted, notes = len(checks) - _notes(checks), _notes(checks)
    if holds(checks):
        print(f"VERIFIED: all {counted} checks hold ({notes} notes) for {args.package}")
        return EXIT_HOLDS
    print(f"NOT VERIFIED: {len(failed)} of {counted} checks failed for {args.package}")
    return EXIT_FAILS


def _sitrep(data: bytes, server_key: bytes | None, path: Path) -> int:
    from .sitrep_format import verify_sitrep

    checks = verify_sitrep(data, server_key=server_key)
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok]
    if not failed:
        print(f"VERIFIED: all {len(checks)} checks hold for the situation report {path}")
        return EXIT_HOLDS
    print(f"NOT VERIFIED: {len(failed)} of {len(checks)} checks failed for the situation report {path}")
    return EXIT_FAILS


def _notes(checks) -> int:
    return sum(1 for c in checks if c.outcome == "note")


def _pinned_key(args: argparse.Namespace) -> bytes | None:
    from . import evidence_format as fmt
    from .crypto import b64decode
    from .errors import ProtocolError

    try:
        if args.pin_from is not None:
            return fmt.public_key_from_pem(fmt.read_zip(args.pin_from.read_bytes())[fmt.SERVER_KEY])
        if args.server_key is None:
            return None
        path = Path(args.server_key)
        if path.is_file():
            return fmt.public_key_from_pem(path.read_bytes())
        key = b64decode(args.server_key)
    except (ProtocolError, KeyError) as exc:
        raise ValueError(f"the server key given is not usable ({exc})") from exc
    if len(key) != 32:
        raise ValueError("the server key given is not 32 bytes of base64")
    return key


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fieldapp-verify", description="Check a FieldApp evidence package offline."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
