"""What `list` and `show` print for a person: a table of records, one record's detail."""

import json
from typing import Any


def format_table(records: list[Any], *, photos_pending: dict[str, int] | None = None) -> str:
    """One line per record; a record on the server whose photos are still to go says so."""
    if not records:
        return "no observations"
    photos_pending = photos_pending or {}
    rows = [("ID", "KIND", "STATE", "SEQ", "OBSERVED AT", "DESCRIPTION")]
    for view in records:
        state = view.state
        if photos_pending.get(view.id) and state not in ("draft", "queued"):
            state = f"{state}, photos pending"
        rows.append(
            (
                view.id,
                view.kind,
                state,
                "" if view.seq is None else str(view.seq),
                str(view.record.get("observed_at", "")),
                _short(view.record.get("description") or ""),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    )


def format_detail(view: Any) -> str:
    record = view.record
    lines = [
        f"id            {view.id}",
        f"kind          {view.kind}",
        f"state         {view.state}",
    ]
    if view.finalized:
        lines += [
            f"seq           {view.seq}",
            f"recorded at   {view.recorded_at}",
            f"prev hash     {view.prev_hash or '-'}",
            f"signature     {view.signature}",
        ]
    if view.delivery_error:
        lines.append(f"not accepted  {view.delivery_error}")
    lines.append("")
    for key, value in record.items():
        if key in ("id", "kind"):
            continue
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        lines.append(f"{key:<18}{'-' if shown is None else shown}")
    if view.history:
        lines += ["", "history"]
        for event in view.history:
            lines.append(f"  {event.at}  {event.state}" + (f"  {event.message}" if event.message else ""))
    return "\n".join(lines)


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
