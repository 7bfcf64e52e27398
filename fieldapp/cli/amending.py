"""`fieldapp amend ID [--json FILE|-] [--finalize]`: a new record that corrects or answers ID.

Prefilled from the original (a finalized record of this device), with the changes of --json
applied (fieldapp/services/amendments.py); without --json it is the original's copy as a
draft. Prints the new id.
"""

import argparse
import sys


def register_amend(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    amend = subparsers.add_parser(
        "amend",
        parents=[common],
        help="a new record correcting or answering a finalized one, prefilled from it; prints its id",
        description="Make a new record that amends ID (a correction, or the answer to a verifier's "
        "question): the original's fields, with the keys of --json changed. `details` changes key by "
        "key; other keys are replaced. Finalized records never change: the amendment is a new one.",
    )
    amend.add_argument(
        "record_id",
        metavar="ID",
        help="the finalized observation to amend: its id, or its first characters (at least 4)",
    )
    amend.add_argument(
        "--json",
        dest="json_source",
        metavar="FILE|-",
        help='the changes as one JSON object, e.g. {"description": "...", "details": {"count": 3}}; '
        "- reads stdin (after the passphrase line when FIELDAPP_PASSPHRASE is not set)",
    )
    amend.add_argument("--finalize", action="store_true", help="sign the amendment at once")
    amend.set_defaults(handler=run_amend)


def run_amend(args: argparse.Namespace) -> int:
    from fieldapp.cli.json_input import BadInput, parse_json_input
    from fieldapp.cli.observer import read_input_file, unlock_from
    from fieldapp.services.amendments import amended
    from fieldapp.services.record_ids import resolve_record_id

    text = None if args.json_source in (None, "-") else read_input_file(args.json_source)
    with unlock_from(args) as device:
        if args.json_source == "-":
            text = sys.stdin.read()  # read after the passphrase line
        source = "standard input" if args.json_source == "-" else args.json_source
        changes: object = {}
        if text is not None:
            items = parse_json_input(text, source=source).items
            if len(items) != 1:
                raise BadInput(f"{source}: the changes must be one JSON object, not {len(items)}")
            changes = items[0]
        original = resolve_record_id(device, args.record_id)
        record = amended(device.start_amendment(original), changes)
        new_id = device.record(record, finalize=args.finalize)
    print(new_id)
    return 0
