"""The package's PDF summaries: real PDFs (parsed by pypdf), saying what the report is, in
English and in Arabic drawn with joined letters, the same bytes for the same package."""

import io
import json
import re
from datetime import UTC, datetime

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from server.evidence.summary import LABELS, SummaryContent
from server.evidence.summary_pdf import REPLACEMENT, render_pdf
from sync import evidence_format as fmt
from tests.server.conftest import API

ARABIC_PRESENTATION_FORMS = range(0xFB50, 0xFF00)  # initial, medial, final, ligature glyphs


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _embedded_fonts(pdf: bytes) -> dict[str, TTFont]:
    """Each font program the PDF embeds, by its name without the subset tag."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, TTFont] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = descriptor["/FontFile2"].get_object().get_data()
            found[str(font["/BaseFont"]).split("+", 1)[-1]] = TTFont(io.BytesIO(program))
    return found


def test_the_pdf_summaries_say_which_report_device_and_decisions_in_both_languages(made):
    _harness, record_id, data = made
    files = fmt.read_zip(data)
    manifest = json.loads(files[fmt.MANIFEST])
    body = json.loads(files[fmt.RECORD_BODY])
    english, arabic = files[fmt.SUMMARY_PDF_EN], files[fmt.SUMMARY_PDF_AR]
    for pdf, language in ((english, "en"), (arabic, "ar")):
        assert pdf.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.trailer["/Root"]["/Lang"] == language
        created = datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
        assert reader.metadata is not None
        assert reader.metadata["/CreationDate"] == created.strftime("D:%Y%m%d%H%M%SZ")  # the package's time
        text = _text(pdf)
        for value in (record_id, body["kind"], manifest["device_id"], "needs_info", "verified", "vera"):
            assert value in text, (language, value, text)
        assert "seen by two teams" in text

    text = _text(english)
    for label in ("Evidence package", "Report", "Kind", "Device", "Review state", "Decisions (audit trail)"):
        assert label in text
    assert "needs_info -> verified" in text
    # Arabic: every word of every label (pypdf gives the words of a right-to-left line in the
    # order they are drawn, so each word is checked, not the phrase), and the observer's text.
    text = _text(arabic)
    for key, label in LABELS["ar"].items():
        if key == "none":  # this report has photos and decisions
            continue
        for word in re.findall(r"[\u0600-\u06ff]+", label):
            assert word in text, (word, text)
    for word in ("تقرير", "عربي", "طريق"):  # from the description and a decision's reason
        assert word in text


def test_both_fonts_are_embedded_and_the_arabic_is_shaped(made):
    _harness, _record_id, data = made
    files = fmt.read_zip(data)
    for name in (fmt.SUMMARY_PDF_EN, fmt.SUMMARY_PDF_AR):
        fonts = _embedded_fonts(files[name])
        assert set(fonts) == {"NotoSans", "NotoSansArabic"}, name
        drawn = set(fonts["NotoSansArabic"].getBestCmap())
        # The record holds plain Arabic letters (U+0600 block); only a shaping engine turns
        # them into the joined forms, so their glyphs in the embedded subset show it ran.
        joined = [c for c in drawn if c in ARABIC_PRESENTATION_FORMS]
        assert len(joined) >= 5, (name, sorted(hex(c) for c in drawn))
        both = drawn | set(fonts["NotoSans"].getBestCmap())
        assert {ord(c) for c in "0123456789abcdef-"} <= both  # ids and hashes: real glyphs


def test_the_same_package_twice_is_the_same_bytes(made):
    """Reproducible: the PDFs' dates are the package's time, nothing depends on the run."""
    harness, record_id, data = made
    verifier = {"Authorization": f"Bearer {harness.tokens['vera']}"}  # who asked is in the manifest
    again = harness.client.get(f"{API}/reports/{record_id}/evidence", headers=verifier)
    assert again.status_code == 200
    assert again.content == data
    harness.clock.advance(minutes=1)
    later = fmt.read_zip(harness.client.get(f"{API}/reports/{record_id}/evidence", headers=verifier).content)
    assert later[fmt.SUMMARY_PDF_EN] != fmt.read_zip(data)[fmt.SUMMARY_PDF_EN]  # dated: the package's time


def test_text_no_font_can_draw_is_marked_never_dropped_and_long_text_wraps():
    """An emoji, CJK, a control character: shown as U+FFFD; a long description runs on."""
    t = LABELS["en"]
    description = "convoy 🚚 seen 中文 \x07 " + "x" * 400 + " end " + "قافلة " * 1500
    content = SummaryContent(
        language="en",
        title=t["title"],
        record_id="0191a3b4-0000-4000-8000-000000000001",
        rows=[(t["description"], description)],
        photos_heading=t["photos"],
        photos=[],
        decisions_heading=t["decisions"],
        decisions=[],
        none=t["none"],
        verify=t["verify"],
    )
    pdf = render_pdf(content, created_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    text = _text(pdf)
    assert f"convoy {REPLACEMENT} seen {REPLACEMENT}{REPLACEMENT} {REPLACEMENT}" in text
    assert "end" in text and text.count("قافلة") == 1500
    assert t["none"] in text  # empty lists say so
