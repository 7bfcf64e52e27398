"""Bidi-correct text: in the Arabic layout every run of left-to-right text (an English question,
a place's English name, an id) and every number group with separators (coordinates) is
isolated, so it reads as written; in the English layout Arabic runs are isolated the same way.
Checked on the text runs the app hands to Flutter."""

from fieldapp.ui.bidi import FSI, LRI, PDI, RLI, coordinates, isolate_runs
from fieldapp.ui.i18n import Translator

AR, EN = Translator.load("ar"), Translator.load("en")


def test_an_english_question_in_the_arabic_layout_is_one_isolated_run():
    question = "Which unit, and how many vehicles?"
    assert isolate_runs(question, rtl=True) == f"{LRI}{question}{PDI}"  # its "?" stays at its end


def test_latin_words_inside_arabic_are_isolated_and_the_arabic_punctuation_stays_arabic():
    text = "لا يوجد خادم FieldApp على هذا العنوان."
    assert isolate_runs(text, rtl=True) == f"لا يوجد خادم {LRI}FieldApp{PDI} على هذا العنوان."


def test_coordinates_are_left_to_right_in_both_layouts():
    point = coordinates(31.19, 16.62)
    assert point == f"{LRI}31.19000, 16.62000{PDI}"
    assert isolate_runs("النقطة 31.19000, 16.62000 شمال", rtl=True) == f"النقطة {LRI}31.19000, 16.62000{PDI} شمال"
    assert isolate_runs(point, rtl=True) == point  # already isolated: left alone


def test_arabic_inside_the_english_layout_is_isolated():
    assert isolate_runs("Sirte (سرت)", rtl=False) == f"Sirte ({RLI}سرت{PDI})"


def test_plain_text_of_the_layouts_own_direction_is_left_alone():
    assert isolate_runs("تم اعتماد التقرير", rtl=True) == "تم اعتماد التقرير"
    assert isolate_runs("Report queued for sending.", rtl=False) == "Report queued for sending."
    assert isolate_runs("", rtl=True) == ""
    assert isolate_runs("10:20", rtl=True) == "10:20"  # a time alone has no separator to flip


def test_a_date_and_time_stay_in_their_order_in_arabic():
    assert isolate_runs("2026-12-01 14:18", rtl=True) == f"{LRI}2026-12-01 14:18{PDI}"


def test_the_arabic_translator_isolates_what_it_fills_in():
    text = AR.t("sync.notice.failed", why=AR.t("sync.why.wrong_url"))
    assert f"{LRI}FieldApp{PDI}" in text
    mgrs = AR.t("form.mgrs_is", mgrs="33R XQ 12345 67890")
    assert f"{LRI}33R XQ 12345 67890{PDI}" in mgrs
    assert EN.t("form.mgrs_is", mgrs="33R XQ 12345 67890") == "MGRS: 33R XQ 12345 67890"


def test_the_translators_shown_wraps_raw_text_for_its_layout():
    assert AR.shown("Which direction?") == f"{LRI}Which direction?{PDI}"
    assert EN.shown("Which direction?") == "Which direction?"
    assert EN.shown("سرت") == f"{RLI}سرت{PDI}"
    assert FSI not in AR.shown("Which direction?")
