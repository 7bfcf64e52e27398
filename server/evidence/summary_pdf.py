"""The package's summary as PDF (English, and Arabic right to left), made on the server.

fpdf2 lays it out; uharfbuzz shapes the text, so Arabic letters join as they should and the
bidirectional algorithm orders mixed Arabic and Latin runs. Fonts: Noto Sans Arabic, the one
the repository already ships (assets/fonts, SIL Open Font License 1.1), and Noto Sans for
Latin, Greek and Cyrillic from the pinned `fontpkg-noto-sans` wheel (SIL OFL 1.1, unmodified
upstream binaries). Both are embedded (subset), so the PDF reads the same anywhere.

A character neither font can draw (an emoji, CJK, a control character) is shown as U+FFFD
rather than left out: the PDF never silently drops part of what the observer wrote (the exact
text is record/body.json). Direction controls are drawn as a browser draws the HTML.

The PDF is deterministic: its creation date is the package's time, and fpdf2 derives the
file id from the content, so the same package facts give the same bytes.
"""

from datetime import datetime

from fpdf import FPDF

from ..pdf_text import REPLACEMENT, set_up_text
from .summary import SummaryContent

PRODUCER = "FieldApp evidence package"
_GREY = (90, 90, 90)
_BLACK = (0, 0, 0)
__all__ = ["REPLACEMENT", "render_pdf"]


def render_pdf(content: SummaryContent, *, created_at: datetime) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(created_at)
    pdf.set_title(f"{content.title} {content.record_id}")
    pdf.set_lang(content.language)
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    main, printable = set_up_text(pdf, right_to_left=content.right_to_left)
    align = "R" if content.right_to_left else "L"
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def line(text: str, *, size: float, grey: bool = False, gap: float = 0.0) -> None:
        pdf.set_font(main, size=size)
        pdf.set_text_color(*(_GREY if grey else _BLACK))
        pdf.multi_cell(0, size * 0.5, printable(text), align=align, new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)

    line(content.title, size=18, gap=3)
    for name, value in content.rows:
        line(name, size=8.5, grey=True)
        line(value or "—", size=10.5, gap=1.5)
    for heading, items in (
        (content.photos_heading, content.photos),
        (content.decisions_heading, content.decisions),
    ):
        pdf.ln(2)
        line(heading, size=13, gap=1)
        for item in items or [content.none]:
            line(f"• {item}", size=10, gap=1)
    pdf.ln(3)
    line(content.verify, size=9, grey=True)
    return bytes(pdf.output())

