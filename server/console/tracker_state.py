"""The tracker page's state: filters, the tracker and the flags as the API gave them, and the
figures the page draws (no Flet here: tests/console checks them directly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import ConsoleApi

STATUS_TEXT = {
    "not_started": "not started",
    "in_progress": "in progress",
    "reported_complete": "reported complete",
    "verified_complete": "verified complete",
    "overdue": "overdue",
}
TYPE_TEXT = {
    "unit_to_camp": "unit returns to camp",
    "fighters_depart": "foreign fighters depart",
    "weapons_in_storage": "heavy weapons in storage",
}
RULE_TEXT = {
    "beyond_withdrawal_line": "beyond a withdrawal line",
    "in_demilitarised_area": "in a demilitarised area",
    "outside_storage_sites": "heavy weapons outside every storage site",
    "unit_outside_area": "unit outside its area",
}


@dataclass
class TrackerState:
    side: str = ""
    area: str = ""
    page: dict[str, Any] = field(default_factory=dict)
    flags: list[dict[str, Any]] = field(default_factory=list)

    async def load(self, api: ConsoleApi) -> None:
        params = {k: v for k, v in (("side", self.side), ("area", self.area)) if v}
        self.page = await api.tracker(params)
        self.flags = await api.flags()

    def set_filters(self, *, side: str | None, area: str | None) -> None:
        self.side, self.area = side or "", area or ""

    @property
    def obligations(self) -> list[dict[str, Any]]:
        return list(self.page.get("obligations", []))

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_TEXT, 0)
        for row in self.obligations:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts

    def chart(self) -> list[dict[str, Any]]:
        """Rows of the progress chart: per day, units back (of the unit obligations) beside
        fighters departed (of the total expected), as fractions; the deadline days marked."""
        units_total = sum(1 for o in self.obligations if o["obligation"]["type"] == "unit_to_camp") or 1
        expected = max(
            [
                o["obligation"].get("expected") or 0
                for o in self.obligations
                if o["obligation"]["type"] == "fighters_depart" and not o["obligation"].get("crossing")
            ]
            or [0]
        )
        rows: list[dict[str, Any]] = []
        deadlines = list(self.page.get("deadlines", []))
        fighters_scale = (
            expected or max([p["fighters_departed"] for p in self.page.get("progress", [])] or [1]) or 1
        )
        for point in self.page.get("progress", []):
            while deadlines and deadlines[0] < point["date"]:
                rows.append({"deadline": deadlines.pop(0)})
            rows.append(
                {
                    "date": point["date"],
                    "units": point["units_returned"],
                    "units_of": units_total,
                    "units_share": min(1.0, point["units_returned"] / units_total),
                    "fighters": point["fighters_departed"],
                    "fighters_of": expected or None,
                    "fighters_share": min(1.0, point["fighters_departed"] / fighters_scale),
                }
            )
        rows += [{"deadline": d} for d in deadlines]
        return rows
