"""The situation report page's state: the day or period picked, whether pending reports count,
and the report as the API gave it (its signed JSON); the page's sections come from the same
layout the PDF draws (server/sitreps/layout.py). No Flet here: tests/console checks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..sitreps.layout import Section, header_lines, sections, title_of
from .errors import ConsoleError

if TYPE_CHECKING:
    from .api import ConsoleApi

SHOWN_REPORTS = 300  # listed on the page; the files list every one


@dataclass
class SitrepState:
    date_from: str = ""  # "" = the newest day whose cut-off has passed
    date_to: str = ""
    include_pending: bool = False
    report: dict[str, Any] = field(default_factory=dict)

    def set_period(self, *, date_from: str | None, date_to: str | None, include_pending: bool) -> None:
        """Check what was typed (YYYY-MM-DD; one day, or from and to) before asking the server."""
        first, last = (date_from or "").strip(), (date_to or "").strip()
        for text in (first, last):
            if text:
                try:
                    date.fromisoformat(text)
                except ValueError:
                    raise ConsoleError(f"Not a date (YYYY-MM-DD): {text}") from None
        self.date_from, self.date_to, self.include_pending = first, last, include_pending

    def params(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.date_from and self.date_to and self.date_from != self.date_to:
            found.update({"from": self.date_from, "to": self.date_to})
        elif self.date_from or self.date_to:
            found["date"] = self.date_from or self.date_to
        if self.include_pending:
            found["include_pending"] = "true"
        return found

    async def load(self, api: ConsoleApi) -> None:
        document = await api.sitrep({**self.params(), "format": "json"})
        self.report = document.get("report", {}) if isinstance(document, dict) else {}
        day = self.report.get("definition", {})
        if not self.date_from:  # show which day the server chose
            self.date_from = self.date_to = day.get("date_to", "")

    def title(self) -> str:
        return title_of(self.report, "en") if self.report else "Situation report"

    def header(self) -> list[str]:
        return header_lines(self.report, "en") if self.report else []

    def sections(self) -> list[Section]:
        if not self.report:
            return []
        listed = self.report.get("reports", [])
        return sections(self.report, listed[:SHOWN_REPORTS], "en", total_reports=len(listed))

    def file_params(self, fmt: str, *, language: str = "en", table: str = "violations") -> dict[str, str]:
        """What a download asks for: the same period as the page shows."""
        return {**self.params(), "format": fmt, "lang": language, **({"table": table} if fmt == "csv" else {})}
