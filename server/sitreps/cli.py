"""`fieldapp admin sitrep`: its options (registered by server/cli.py) and its handler.

Only argparse and the standard library at import: the server's modules are imported inside the
handler, so `fieldapp --help` stays fast.
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(
    verbs: argparse._SubParsersAction,
    *,
    location_options: Callable[[argparse.ArgumentParser], None],
    guarded: Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]],
    settings: Callable[[argparse.Namespace], Any],
) -> None:
    sitrep = verbs.add_parser(
        "sitrep",
        help="write the situation report of a day or period (docs/sitreps.md)",
        description="The mission's situation report from verified reports: a day (information as of the "
        "cut-off, default 19:30 Africa/Tripoli) or a period --from/--to, as PDF, HTML, signed JSON or CSV.",
    )
    sitrep.add_argument(
        "--date",
        type=_day,
        default=None,
        help="the report's day, YYYY-MM-DD (default: the newest day whose cut-off has passed)",
    )
    sitrep.add_argument(
        "--from", dest="date_from", type=_day, default=None, metavar="DATE", help="a period's first day"
    )
    sitrep.add_argument(
        "--to", dest="date_to", type=_day, default=None, metavar="DATE", help="a period's last day"
    )
    sitrep.add_argument(
        "--lang", choices=("en", "ar"), default="en", help="PDF and HTML language (default en)"
    )
    sitrep.add_argument(
        "--format", choices=("pdf", "html", "json", "csv"), required=True, dest="fmt",
        help="pdf (A4, printed), html (to print), json (signed, for analysts), csv (one table)",
    )
    sitrep.add_argument(
        "--table",
        default="violations",
        type=_sitrep_table,
        help="CSV: which table (violations, kinds, reports, unit_movements, foreign_fighters, heavy_weapons, "
        "freedom_of_movement; default violations)",
    )
    sitrep.add_argument(
        "--cutoff", default=None, metavar="HH:MM", help="the day's cut-off time (default 19:30)"
    )
    sitrep.add_argument(
        "--tz", default=None, metavar="ZONE", help="the mission's time zone (default Africa/Tripoli)"
    )
    sitrep.add_argument(
        "--since",
        type=_day,
        default=None,
        metavar="DATE",
        help="running totals from this day (default: 1 January of the report's year)",
    )
    sitrep.add_argument(
        "--include-pending",
        action="store_true",
        help="count reports still to be verified too (each marked unverified)",
    )
    sitrep.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    location_options(sitrep)
    sitrep.set_defaults(handler=guarded(lambda args: _sitrep(args, settings)))


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _sitrep_table(text: str) -> str:
    from .csv_tables import TABLES

    return _one_of(text, TABLES)


def _one_of(text: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(choices)})")
    return text


def _sitrep(args: argparse.Namespace, settings: Callable[[argparse.Namespace], Any]) -> int:
    from datetime import UTC, datetime

    from server.sitreps.admin import write_sitrep
    from server.sitreps.definition import latest_day, make_definition
    from server.sitreps.service import Request

    today = latest_day(datetime.now(UTC), time_zone=args.tz, cutoff=args.cutoff)
    definition = make_definition(
        day=args.date,
        date_from=args.date_from,
        date_to=args.date_to,
        cutoff=args.cutoff,
        time_zone=args.tz,
        include_pending=args.include_pending,
        since=args.since,
        today=today,
    )
    request = Request(definition, fmt=args.fmt, language=args.lang, table=args.table)
    size = write_sitrep(settings(args), request, args.out)
    verify = f"; check it with: fieldapp verify {args.out}" if args.fmt == "json" else ""
    print(f"wrote {args.out} ({size} bytes){verify}", file=sys.stderr)
    return 0
