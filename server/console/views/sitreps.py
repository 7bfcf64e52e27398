"""The situation report page: pick a day (or a period) and whether reports still to verify count,
read the report (summary, violations per area, movements, foreign fighters, heavy weapons in
violation, freedom of movement, every report with a link to it), and download it to print or
publish: PDF in English or Arabic, HTML to print from the browser, the signed JSON, CSV tables.
Renders only: `SitrepState` loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from ...sitreps.layout import Section, Table
from ..sitrep_state import SitrepState
from .widgets import card, heading, report_opener, tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

DOWNLOADS = (
    ("pdf-en", "PDF (English)", ft.Icons.PICTURE_AS_PDF, "pdf", "en"),
    ("pdf-ar", "PDF (العربية)", ft.Icons.PICTURE_AS_PDF, "pdf", "ar"),
    ("html-en", "Print (HTML)", ft.Icons.PRINT, "html", "en"),
    ("json", "Signed JSON", ft.Icons.VERIFIED, "json", "en"),
    ("csv", "CSV: violations", ft.Icons.TABLE_VIEW, "csv", "en"),
)


class SitrepView:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.state = SitrepState()
        self.first = ft.TextField(label="Day, or first day (YYYY-MM-DD)", width=230, dense=True)
        self.last = ft.TextField(label="Last day (a period)", width=190, dense=True)
        self.pending = ft.Checkbox(label="Count reports still to verify (marked unverified)", value=False)
        self.body = ft.Column(spacing=12)
        show = ft.Button(content="Show", icon=ft.Icons.ARTICLE, on_click=self.apply)
        files = [
            tagged(ft.OutlinedButton(content=text, icon=icon, on_click=self._download(fmt, language)),
                   f"sitrep-download-{key}")
            for key, text, icon, fmt, language in DOWNLOADS
        ]
        self.control = ft.Column(
            [
                heading("Situation report"),
                ft.Text("From verified reports; a day runs to its cut-off (19:30 mission time).",
                        color=ft.Colors.BLUE_GREY_700),
                ft.Row([tagged(self.first, "sitrep-from"), tagged(self.last, "sitrep-to"),
                        tagged(self.pending, "sitrep-pending"), tagged(show, "sitrep-show")], wrap=True),
                ft.Row(files, wrap=True),
                self.body,
            ],
            spacing=12,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    async def load(self) -> None:
        await self.state.load(self.app.api)
        self.render()

    async def apply(self, _event: ft.Event | None = None) -> None:
        async def load() -> None:
            self.state.set_period(date_from=self.first.value, date_to=self.last.value,
                                  include_pending=bool(self.pending.value))
            await self.load()

        await self.app.guard(load)

    def _download(self, fmt: str, language: str):
        async def handler(_event: ft.Event) -> None:
            await self.app.guard(lambda: self.app.download_sitrep(self.state.file_params(fmt, language=language)))

        return handler

    def render(self) -> None:
        self.first.value = self.state.date_from
        self.last.value = self.state.date_to if self.state.date_to != self.state.date_from else ""
        head = [tagged(ft.Text(self.state.title(), size=18, weight=ft.FontWeight.BOLD), "sitrep-title")]
        head += [ft.Text(line, color=ft.Colors.BLUE_GREY_700, size=13) for line in self.state.header()]
        self.body.controls = [card(*head), *(self._section(s, i) for i, s in enumerate(self.state.sections()))]

    def _section(self, section: Section, index: int) -> ft.Control:
        controls: list[ft.Control] = [ft.Text(section.title, size=16, weight=ft.FontWeight.BOLD)]
        controls += [tagged(ft.Text(p), f"sitrep-text-{index}") for p in section.paragraphs]
        for subtitle, table in section.tables:
            if subtitle:
                controls.append(ft.Text(subtitle, weight=ft.FontWeight.W_500))
            controls.append(self._table(table))
        if section.map:
            controls.append(ft.Text("The map annex is in the PDF and HTML files.", size=12,
                                    color=ft.Colors.BLUE_GREY_700))
        return tagged(card(*controls), f"sitrep-section-{index}")

    def _table(self, table: Table) -> ft.Control:
        rows = []
        for index, row in enumerate(table.rows):
            cells = [ft.DataCell(ft.Text(value or "—", size=12)) for value in row]
            if table.record_ids:  # the report list: its id opens the report
                rid = table.record_ids[index]
                cells[0] = ft.DataCell(tagged(ft.TextButton(content=row[0], on_click=report_opener(self.app, rid)),
                                              f"sitrep-open-{rid}"))
            rows.append(ft.DataRow(cells=cells))
        return ft.Row([ft.DataTable(
            columns=[ft.DataColumn(ft.Text(c, size=12, weight=ft.FontWeight.BOLD), numeric=i in table.numeric)
                     for i, c in enumerate(table.columns)],
            rows=rows, data_row_min_height=28, data_row_max_height=48, heading_row_height=32, column_spacing=18,
        )], scroll=ft.ScrollMode.AUTO)
