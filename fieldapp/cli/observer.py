"""Observer verbs: init, record, list, show, finalize, passphrase, wipe.

Each handler imports what it uses (the store pulls in SQLModel), so `fieldapp --help`
and other verbs start fast. Passphrases come from FIELDAPP_PASSPHRASE (and, for a new
one, FIELDAPP_NEW_PASSPHRASE) or stdin, never from an argument.
"""

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from fieldapp.cli.amending import register_amend
from fieldapp.cli.json_input import BadInput, JsonInput, parse_json_input
from fieldapp.cli.listing import format_detail, format_table
from fieldapp.cli.record_help import KindsInHelp
from fieldapp.errors import FieldAppError

PASSPHRASE_ENV = "FIELDAPP_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
NEW_PASSPHRASE_ENV = "FIELDAPP_NEW_PASSPHRASE"  # noqa: S105
WIPE_WORD = "WIPE"
ID_HELP = (
    "the observation's id (as `list` shows it), or its first characters (at least 4) if no other id starts so"
)


class NotConfirmed(FieldAppError):
    """Nothing was wiped: the confirmation was not given."""


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    add_data_dir_option(common)

    init = subparsers.add_parser("init", parents=[common], help="create the vault and the device identity")
    init.set_defaults(handler=run_init)

    record = subparsers.add_parser(
        "record",
        parents=[common],
        help="store observations from JSON; prints the new ids",
        description="Store observations given in the record format (docs/record-format.md) as "
        "drafts, or signed at once with --finalize. Prints one new id per line.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    record.__class__ = KindsInHelp  # the kinds' list is imported only when help is shown
    record.add_argument("--kind", help="the observations' kind (fills it in, or must match it): see below")
    record.add_argument(
        "--json",
        dest="json_source",
        metavar="FILE|-",
        required=True,
        help="one JSON object, a JSON array, or JSON lines; - reads stdin (after the passphrase line "
        "when FIELDAPP_PASSPHRASE is not set)",
    )
    record.add_argument("--finalize", action="store_true", help="sign them at once (they become read-only)")
    record.add_argument(
        "--attach",
        metavar="FILE",
        action="append",
        default=[],
        help="a JPEG or PNG photo for the (one) observation; repeat for more",
    )
    record.add_argument(
        "--from-photo",
        action="store_true",
        help="take observed_at and location from the first photo's EXIF when the JSON leaves them out",
    )
    record.set_defaults(handler=run_record)

    listing = subparsers.add_parser("list", parents=[common], help="list observations, newest first")
    listing.add_argument("--state", help="only this state (draft, queued, sent, received, ...)")
    listing.add_argument("--json", action="store_true", help="an array of records in Record format")
    listing.set_defaults(handler=run_list)

    show = subparsers.add_parser("show", parents=[common], help="one observation with its status history")
    show.add_argument("record_id", metavar="ID", help=ID_HELP)
    show.add_argument("--json", action="store_true", help="the record in the record format, with its history")
    show.set_defaults(handler=run_show)

    finalize = subparsers.add_parser(
        "finalize", parents=[common], help="sign a draft into the device's chain"
    )
    finalize.add_argument("record_id", metavar="ID", help=ID_HELP)
    finalize.set_defaults(handler=run_finalize)

    passphrase = subparsers.add_parser(
        "passphrase",
        parents=[common],
        help=f"change the passphrase (old from {PASSPHRASE_ENV} or stdin, new from {NEW_PASSPHRASE_ENV} "
        "or the next stdin line)",
    )
    passphrase.set_defaults(handler=run_passphrase)

    register_amend(subparsers, common)

    wipe = subparsers.add_parser(
        "wipe", parents=[common], help="destroy the keys and every record on this device"
    )
    wipe.add_argument("--yes", action="store_true", help="don't ask (for scripts)")
    wipe.set_defaults(handler=run_wipe)


# --- shared with other verb modules (e.g. enroll, sync) ------------------------------------


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the device's data directory (default: $FIELDAPP_DATA_DIR, else the user data directory)",
    )


def data_dir_from(args: argparse.Namespace) -> Path:
    from fieldapp.services import resolve_data_dir

    return resolve_data_dir(getattr(args, "data_dir", None))


def unlock_from(args: argparse.Namespace):
    """Unlock the device named by --data-dir with the passphrase from the env or stdin."""
    from fieldapp.cli.secrets import read_secret
    from fieldapp.services import NoDevice, device_exists, unlock_device

    data_dir = data_dir_from(args)
    if not device_exists(data_dir):
        raise NoDevice(f"no device in {data_dir}: run `fieldapp init` first")
    return unlock_device(data_dir, read_secret(PASSPHRASE_ENV, "Passphrase: "))


# --- verbs -----------------------------------------------------------------------------------


def run_init(args: argparse.Namespace) -> int:
    from fieldapp.cli.secrets import read_secret
    from fieldapp.services import DeviceExists, create_device, device_exists
    from fieldapp.services.passphrase_policy import require_acceptable

    data_dir = data_dir_from(args)
    if device_exists(data_dir):
        raise DeviceExists(f"a device is already set up in {data_dir}")
    passphrase = read_secret(PASSPHRASE_ENV, "New passphrase: ")
    require_acceptable(passphrase, nothing_done="nothing was created")
    if sys.stdin.isatty() and PASSPHRASE_ENV not in _environ():
        import getpass

        if getpass.getpass("Repeat the passphrase: ") != passphrase:
            raise FieldAppError("the two passphrases differ; nothing was created")
    with create_device(data_dir, passphrase) as device:
        info = device.device_info()
    print(f"device {info.device_id} created in {data_dir}")
    print(f"key fingerprint {info.fingerprint}")
    return 0


def run_record(args: argparse.Namespace) -> int:
    from fieldapp.model import KINDS

    if args.kind is not None and args.kind not in KINDS:
        raise BadInput(f"--kind must be one of: {', '.join(KINDS)}")
    source = "standard input" if args.json_source == "-" else args.json_source
    if args.json_source == "-":
        device = unlock_from(args)  # the first stdin line may be the passphrase
        try:
            ids = _record_input(device, parse_json_input(sys.stdin.read(), source=source), source, args)
        finally:
            device.lock()
    else:
        parsed = parse_json_input(read_input_file(args.json_source), source=source)
        with unlock_from(args) as device:
            ids = _record_input(device, parsed, source, args)
    print("\n".join(ids))
    return 0


def _record_input(device: Any, parsed: JsonInput, source: str, args: argparse.Namespace) -> list[str]:
    """Places resolved, photo options checked, then stored; an invalid item is named by its line."""
    from fieldapp.services import InvalidItem
    from fieldapp.services.place_input import resolve_place_locations, uses_place

    try:
        items = parsed.items
        if any(uses_place(item) for item in items):
            from sync.places import load_places

            items = resolve_place_locations(items, load_places())
        items = _check_photo_options(items, args)
        return _record_items(device, items, args)
    except InvalidItem as exc:
        raise BadInput(f"{parsed.where(exc.index, source)}: {exc}") from None


def _record_items(device: Any, items: list[Any], args: argparse.Namespace) -> list[str]:
    if not items:
        raise BadInput("no observations in the input")
    if args.attach:
        return [device.record_with_photos(items[0], args.attach, kind=args.kind, finalize=args.finalize)]
    return device.record_many(items, kind=args.kind, finalize=args.finalize)


def _check_photo_options(items: list[Any], args: argparse.Namespace) -> list[Any]:
    """--attach goes with exactly one observation; --from-photo fills what the JSON leaves out."""
    if args.from_photo and not args.attach:
        raise BadInput("--from-photo needs --attach FILE")
    if not args.attach:
        return items
    if len(items) != 1:
        raise BadInput(f"--attach needs exactly one observation in the input; it holds {len(items)}")
    if not isinstance(items[0], dict):
        return items
    from datetime import datetime

    from fieldapp.services.photos import photo_hints

    hints = photo_hints(Path(args.attach[0]))
    offset = datetime.now().astimezone().utcoffset()
    suggestion = hints.suggestion(local_offset=offset)
    if not suggestion:
        return items
    if args.from_photo:
        item = dict(items[0])
        for key, value in suggestion.items():
            if item.get(key) is None:
                item[key] = value
        return [item]
    shown = ", ".join(f"{key} {json.dumps(value, ensure_ascii=False)}" for key, value in suggestion.items())
    print(f"{Path(args.attach[0]).name} says {shown} (--from-photo takes them)", file=sys.stderr)
    return items


def run_list(args: argparse.Namespace) -> int:
    from fieldapp.services import STATES

    if args.state is not None and args.state not in STATES:
        raise FieldAppError(f"--state must be one of: {', '.join(STATES)}")
    states = None if args.state is None else [args.state]
    with unlock_from(args) as device:
        if args.json:
            write_json_array((view.to_json() for view in device.iter_records(states)), sys.stdout)
            return 0
        records = list(device.iter_records(states))
        photos_pending = device.photos_pending_counts()
    print(format_table(records, photos_pending=photos_pending))
    return 0


def write_json_array(items: Iterable[Any], out: TextIO) -> None:
    """A JSON array written one element at a time (what `json.dump(list, indent=1)` writes,
    without holding the list): 100,000 records stream in the memory of a few."""
    out.write("[")
    separator = "\n "
    for item in items:
        out.write(separator)
        out.write(json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n "))
        separator = ",\n "
    out.write("]\n" if separator == "\n " else "\n]\n")


def run_show(args: argparse.Namespace) -> int:
    from fieldapp.services.record_ids import resolve_record_id

    with unlock_from(args) as device:
        view = device.get(resolve_record_id(device, args.record_id))
        photos = device.photos(view.id)
    if args.json:
        out = view.to_json()
        out["history"] = [{"state": e.state, "at": e.at, "message": e.message} for e in view.history]
        out["delivery_error"] = view.delivery_error
        out["photo_uploads"] = [
            {"sha256": p.sha256, "state": p.upload_state, "error": p.upload_error} for p in photos
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(format_detail(view))
        for photo in photos:
            note = f"  ({photo.upload_error})" if photo.upload_error else ""
            print(f"photo {photo.sha256[:16]}…  {photo.name}  {photo.size} bytes  {photo.upload_state}{note}")
    return 0


def run_finalize(args: argparse.Namespace) -> int:
    from fieldapp.services.record_ids import resolve_record_id

    with unlock_from(args) as device:
        view = device.finalize(resolve_record_id(device, args.record_id))
    print(f"{view.id} finalized as record {view.seq} of this device")
    return 0


def run_passphrase(args: argparse.Namespace) -> int:
    from fieldapp.cli.secrets import read_secret
    from fieldapp.services import NoDevice, change_passphrase, device_exists
    from fieldapp.services.passphrase_policy import require_acceptable

    data_dir = data_dir_from(args)
    if not device_exists(data_dir):
        raise NoDevice(f"no device in {data_dir}: run `fieldapp init` first")
    old = read_secret(PASSPHRASE_ENV, "Current passphrase: ")
    new = read_secret(NEW_PASSPHRASE_ENV, "New passphrase: ")
    require_acceptable(new, nothing_done="the passphrase was not changed")
    if sys.stdin.isatty() and NEW_PASSPHRASE_ENV not in _environ():
        import getpass

        if getpass.getpass("Repeat the new passphrase: ") != new:
            raise FieldAppError("the two new passphrases differ; the passphrase was not changed")
    change_passphrase(data_dir, old, new)
    print("passphrase changed")
    return 0


def run_wipe(args: argparse.Namespace) -> int:
    from fieldapp.services import wipe_device

    data_dir = data_dir_from(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise NotConfirmed("nothing was wiped: pass --yes to wipe without a terminal")
        print(f"This destroys the keys and every observation in {data_dir}. It can't be undone.")
        if input(f"Type {WIPE_WORD} to wipe: ").strip() != WIPE_WORD:
            raise NotConfirmed()
    wipe_device(data_dir)
    print(f"wiped {data_dir}")
    return 0


# --- input and output ----------------------------------------------------------------------


def read_input_file(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{name} is not UTF-8 text") from None
    except OSError as exc:
        raise BadInput(f"cannot read {name}: {exc.strerror or exc}") from None


def _environ() -> dict[str, str]:
    return dict(os.environ)
