"""A situation report as PDF (A4), English or Arabic: headed pages with "page n of N", tables
that break between rows with their headings repeated, the map annex as an image, Arabic shaped
and right to left (columns run from the right). Text shaping and fonts: server/pdf_text.py.

Deterministic: the creation date is the report's generation time and fpdf2 derives the file
id from the content.
"""

import io
from typing import Any

from fpdf import FPDF, FontFace

from ..pdf_text import Printable, set_up_text
from . import labels as L
from .compute import Sitrep
from .layout import Section, Table, header_lines, sections, title_of

PRODUCER = "FieldApp situation report"
MARGIN = 15.0
_GREY = (90, 90, 90)
_BLACK = (0, 0, 0)
_HEAD_FILL = (226, 231, 240)


class _Pdf(FPDF):
    def __init__(self, *, language: str, running_head: str) -> None:
        super().__init__(format="A4")
        self.language = language
        self.running_head = running_head
        self.main, self.printable = set_up_text(self, right_to_left=language == "ar")

    def header(self) -> None:
        self.set_font(self.main, size=8)
        self.set_text_color(*_GREY)
        self.cell(
            0,
            5,
            self.printable(self.running_head),
            align="R" if self.language == "ar" else "L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_draw_color(180, 180, 180)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(3)
        self.set_text_color(*_BLACK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(self.main, size=8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, L.text(self.language, "page", page=self.page_no(), pages="{nb}"), align="C")


def render_pdf(
    sitrep: Sitrep, reports: list[dict[str, Any]], *, total_reports: int, language: str, map_png: bytes | None
) -> bytes:
    rtl = language == "ar"
    head = sitrep.head()
    title = title_of(head, language)
    pdf = _Pdf(language=language, running_head=f"{L.text(language, 'subtitle')} · {title}")
    pdf.set_creation_date(sitrep.generated_at)
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    align = "R" if rtl else "L"
    line = _Liner(pdf, pdf.printable, align)
    line(title, size=17, gap=1)
    for text in header_lines(head, language):
        line(text, size=9.5, grey=True)
    pdf.ln(3)
    for section in sections(head, reports, language, total_reports=total_reports):
        _section(pdf, line, section, rtl=rtl, map_png=map_png)
    pdf.ln(4)
    line(
        L.text(
            language, "signature", count=sitrep.records_counted, digest=L.ltr(language, sitrep.records_digest)
        ),
        size=7.5,
        grey=True,
    )
    return bytes(pdf.output())


class _Liner:
    def __init__(self, pdf: FPDF, printable: Printable, align: str) -> None:
        self.pdf, self.printable, self.align = pdf, printable, align

    def __call__(self, text: str, *, size: float, grey: bool = False, gap: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.main, size=size)  # type: ignore[attr-defined]
        pdf.set_text_color(*(_GREY if grey else _BLACK))
        pdf.multi_cell(0, size * 0.48, self.printable(text), align=self.align, new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)


def _section(pdf: _Pdf, line: _Liner, section: Section, *, rtl: bool, map_png: bytes | None) -> None:
    if section.map or pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(2)
    line(section.title, size=13, gap=1.5)
    for paragraph in section.paragraphs:
        line(paragraph, size=9.5, gap=1.5)
    for subtitle, table in section.tables:
        if subtitle:
            if pdf.will_page_break(20):
                pdf.add_page()
            line(subtitle, size=10.5, gap=0.5)
        _table(pdf, table, rtl=rtl)
        pdf.ln(3)
    if section.map and map_png:
        width = pdf.w - 2 * MARGIN
        pdf.image(io.BytesIO(map_png), x=MARGIN, w=width)


def _table(pdf: _Pdf, table: Table, *, rtl: bool) -> None:
    order = list(range(len(table.columns)))
    if rtl:
        order.reverse()  # the first column at the right, as Arabic reads
    width = pdf.w - 2 * MARGIN
    aligns = tuple("RIGHT" if rtl or i in table.numeric else "LEFT" for i in order)
    pdf.set_font(pdf.main, size=8)
    with pdf.table(
        col_widths=tuple(table.widths[i] * width for i in order),
        text_align=aligns,
        headings_style=FontFace(emphasis="", fill_color=_HEAD_FILL),
        repeat_headings=1,
        line_height=4.2,
        padding=1,
        first_row_as_headings=True,
    ) as drawn:
        row = drawn.row()
        for i in order:
            row.cell(pdf.printable(table.columns[i]))
        for values in table.rows:
            row = drawn.row()
            for i in order:
                row.cell(pdf.printable(values[i] or "—"))
