"""How the console reads what a verifier typed and shows what the server sent."""

from __future__ import annotations

from datetime import UTC, datetime

from ..errors import InvalidInput

# Colour of each state on the maps and in the queue (Flet colour names).
STATE_COLOURS = {
    "received": "blue700",
    "needs_info": "orange800",
    "verified": "green700",
    "unverifiable": "grey600",
    "rejected": "red700",
}
CHAIN_TEXT = {
    "ok": "valid",
    "valid": "valid",
    "gap": "gap before this record",
    "broken": "invalid",
    "invalid": "invalid",
    "fork": "FORK",
}


def label(value: str | None) -> str:
    """`needs_info` -> `needs info`: how states and kinds read on screen."""
    return (value or "").replace("_", " ")


def parse_time(text: str | None, *, field_name: str) -> datetime | None:
    """A date or date-time a verifier typed ("2026-03-01", "2026-03-01 08:30"), as aware UTC."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        raise InvalidInput(field_name, "Use 2026-03-01 08:30") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_number(text: str | float | None, *, field_name: str, low: float, high: float) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InvalidInput(field_name, f"A number, {low:g} to {high:g}") from None
    if not low < value <= high:
        raise InvalidInput(field_name, f"Above {low:g}, at most {high:g}")
    return value


def parse_when(value: str | None) -> datetime | None:
    """An ISO time from the server, as aware UTC (None stays None)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def short_time(value: str | None) -> str:
    """`2026-03-01 08:30 UTC` (the console shows UTC throughout, as the server stores it)."""
    parsed = parse_when(value)
    return parsed.strftime("%Y-%m-%d %H:%M UTC") if parsed else "—"
