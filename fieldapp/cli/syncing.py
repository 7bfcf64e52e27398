"""Sync verbs: enroll, sync, export-bundle.

Data dir and passphrase as for the observer verbs (`--data-dir`, FIELDAPP_PASSPHRASE or
stdin). `sync` exits 0 when done, 3 when offline or the server asked to retry later
(nothing is lost: run it again), 1 on an error waiting will not fix.
"""

import argparse
import json
import sys

from fieldapp.cli.observer import add_data_dir_option, unlock_from

EXIT_DONE = 0
EXIT_ERROR = 1
EXIT_RETRY_LATER = 3
EXIT_FOR_STATUS = {
    "done": EXIT_DONE,
    "offline": EXIT_RETRY_LATER,
    "retry_later": EXIT_RETRY_LATER,
    "stopped": EXIT_RETRY_LATER,
    "failed": EXIT_ERROR,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    add_data_dir_option(common)

    enroll = subparsers.add_parser(
        "enroll", parents=[common], help="register this device with a server, using a one-time code"
    )
    enroll.add_argument("--server", required=True, metavar="URL", help="the server, e.g. https://host")
    enroll.add_argument("--code", required=True, help="the one-time enrolment code from an administrator")
    enroll.add_argument("--label", help="a name for this device on the server (optional)")
    enroll.set_defaults(handler=run_enroll)

    sync = subparsers.add_parser(
        "sync", parents=[common], help="send queued records and fetch review updates (exit 3: retry later)"
    )
    sync.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    sync.add_argument(
        "--batch-kib",
        type=_positive_int,
        metavar="N",
        help="largest compressed batch to send, in KiB (default 256; smaller helps on a very poor link)",
    )
    sync.set_defaults(handler=run_sync_verb)

    bundle = subparsers.add_parser(
        "export-bundle",
        parents=[common],
        help="write queued, sealed records to one file for offline transfer",
    )
    bundle.add_argument("--out", required=True, metavar="FILE", help="the bundle file to write")
    bundle.set_defaults(handler=run_export_bundle)


def run_enroll(args: argparse.Namespace) -> int:
    from fieldapp.services.enrollment import enroll_device

    with unlock_from(args) as device:
        result = enroll_device(device, args.server, args.code, label=args.label)
    print(f"enrolled device {result.device_id} with {result.server_url}")
    print(f"{result.sealed} queued record(s) sealed and ready to send")
    return EXIT_DONE


def run_sync_verb(args: argparse.Namespace) -> int:
    from fieldapp.services.syncing import run_sync
    from sync.engine import SyncOptions

    options = SyncOptions(max_batch_bytes=args.batch_kib * 1024) if args.batch_kib else None
    on_progress = _print_progress if sys.stderr.isatty() and not args.json else None
    with unlock_from(args) as device:
        report = run_sync(device, on_progress=on_progress, options=options)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(
            f"sent {report.sent}, duplicate {report.duplicate}, rejected {report.rejected}, "
            f"still queued {report.still_queued}, updates pulled {report.updates_pulled}"
        )
        if report.photos and (report.photos["uploaded"] or report.photos["still_pending"]):
            print(f"photos sent {report.photos['uploaded']}, still pending {report.photos['still_pending']}")
        for outcome in report.outcomes:
            if outcome.outcome == "rejected":
                print(f"rejected {outcome.record_id}: {outcome.reason}")
        audit = report.log_audit
        if audit is not None and audit.status == "ok":
            print(f"server log checked: {audit.tree_size} entries, {audit.records_checked} of ours proven")
        elif audit is not None and audit.status == "incomplete":
            print(f"server log not checked this time: {audit.problem}")
    if report.error:
        label = "error" if report.status == "failed" else "retry later"
        print(f"{label}: {report.error}", file=sys.stderr)
    if report.log_alarm:
        # Never hidden: the server's log failed this device's audit (docs/evidence.md).
        print(f"LOG ALARM: {report.log_alarm} (reported to the administrators)", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_FOR_STATUS[report.status]


def run_export_bundle(args: argparse.Namespace) -> int:
    from fieldapp.services.syncing import export_bundle

    with unlock_from(args) as device:
        count = export_bundle(device, args.out)
    print(f"wrote {count} record(s) to {args.out}; they stay queued until the server confirms them")
    return EXIT_DONE


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64 * 1024:
        raise argparse.ArgumentTypeError(f"expected a whole number of KiB from 1 to 65536, not {text!r}")
    return value


def _print_progress(progress) -> None:
    if progress.phase == "push":
        print(
            f"\rsending {progress.done}/{progress.total} ({progress.bytes_sent // 1024} KiB)",
            end="",
            file=sys.stderr,
        )
        if progress.done == progress.total:
            print(file=sys.stderr)
