"""Issue 13 points 1, 2, 3, 5 in Chromium at 360×640, English then Arabic: typed work is never
lost (back asks, a reload keeps it as a draft), the GPS wait is bounded (progress, cancel,
20 s timeout with the manual ways out, accuracy and age, a weak fix offered), Finalize shows
every error at once and scrolls to the first, and the MGRS line follows the typing."""

import pytest

from fieldapp.services import unlock_device
from tests.browser.conftest import GPS_FIX, PHONE
from tests.browser.ui import Ui

pytestmark = pytest.mark.browser

PASSPHRASE = "tinned peaches at dawn"
# A receiver that never answers: the browser's geolocation is asked and never calls back.
HANGING_GPS = "navigator.geolocation.getCurrentPosition = function () {};"


def open_record(phone, tab, text, then):
    """Tap the row showing `text` under `tab` until the detail's `then` button is there (a tap
    can land while the list redraws)."""
    phone.select_tab(tab)
    row = phone.showing(text)  # a row carries its texts as its accessible label
    row.wait_for(timeout=30_000)
    for _ in range(3):
        row.click()
        try:
            phone.by_id(then).first.wait_for(state="attached", timeout=5000)
            return
        except Exception:  # the tap was lost: again
            continue
    raise AssertionError(f"the record {text!r} never opened")


def open_draft(phone, text):
    open_record(phone, "drafts", text, "detail-edit")
    phone.tap("detail-edit")
    phone.wait("form-save")


def label_of(phone, identifier) -> str:
    node = phone.wait(identifier)
    field = node.locator("input, textarea")
    if field.count():
        return field.first.get_attribute("aria-label") or ""
    return " ".join((node.text_content() or "").split())


def all_text(phone, identifier) -> str:
    """What the accessibility tree says of a field: its text, labels and descriptions."""
    return phone.wait(identifier).evaluate(
        """n => [n, ...n.querySelectorAll('*')].map(e => [e.textContent, e.getAttribute('aria-label'),
               e.getAttribute('aria-description'), e.getAttribute('placeholder')].join(' ')).join(' ')"""
    )


def on_screen(phone, identifier) -> bool:
    box = phone.box(identifier)
    return box["y"] >= 56 and box["y"] + box["height"] <= PHONE["height"] - 60


def test_back_asks_before_losing_typed_work_and_a_draft_needs_only_its_kind(phone):
    phone.wait("setup-passphrase", timeout=60_000)
    phone.type("setup-passphrase", PASSPHRASE)
    phone.type("setup-confirm", PASSPHRASE)
    phone.tap("setup-create")
    phone.tap("enroll-later")
    phone.tap("new-observation")
    phone.tap("kind-violation")
    phone.wait("form-save")
    # required fields are marked before any attempt
    assert label_of(phone, "form-observed-at").endswith("*")
    phone.type("form-description", "Smoke rising east of the road")
    phone.tap("form-back")
    phone.wait_text("unsaved-dialog", "Unsaved changes")
    phone.screenshot("app-18-form-unsaved")
    phone.tap("unsaved-keep")
    phone.gone("unsaved-dialog")
    assert phone.value("form-description") == "Smoke rising east of the road"
    phone.tap("form-back")
    phone.tap("unsaved-save")  # only the kind and a description: saved as it is
    phone.wait("new-observation")
    open_draft(phone, "Smoke rising")
    assert phone.value("form-description") == "Smoke rising east of the road"


def test_finalize_shows_every_error_at_once_and_scrolls_to_the_first(phone):
    phone.reveal("photo-add")  # the bottom of the form: the location is out of sight
    assert not on_screen(phone, "form-lat")
    phone.tap("form-finalize")
    phone.wait_text("form-error", "correct the fields")
    phone.wait("form-lat")
    assert on_screen(phone, "form-lat")  # scrolled to the first field with a message
    # location, how observed, certainty (and the violation's type below): "Required." in one round
    for field in ("form-lat", "form-observed-by", "form-certainty"):
        assert "Required." in all_text(phone, field), field
    phone.screenshot("app-19-form-all-errors")


def test_the_mgrs_line_follows_the_typing_and_a_draft_reopens_in_mgrs(phone):
    phone.type("form-lat", "31.2089")
    phone.type("form-lon", "16.5887")
    phone.wait_text("form-mgrs-hint", "MGRS: 33R XQ")  # as typed, no other tap
    phone.tap("loc-mgrs")
    mgrs = phone.wait_value("form-mgrs", "33R XQ")  # prefilled from the coordinates
    phone.wait_text("form-mgrs-hint", "31.20890, 16.58870")
    phone.tap("form-save")
    phone.wait("new-observation")
    open_draft(phone, "Smoke rising")
    assert phone.value("form-mgrs") == mgrs  # reopened in MGRS mode


def test_a_gps_fix_shows_its_accuracy_and_age_and_a_weak_one_is_offered(phone, app_data_dir):
    phone.tap("loc-gps")
    phone.tap("gps-fix")
    shown = phone.wait_text("gps-accuracy", f"±{GPS_FIX['accuracy']} m")
    assert "ago" in shown
    phone.screenshot("app-20-form-gps")
    phone.page.context.set_geolocation({"latitude": 31.21, "longitude": 16.59, "accuracy": 400})
    phone.tap("gps-fix")
    phone.wait_text("gps-weak-text", "±400 m, worse than your limit of 50 m")
    phone.screenshot("app-21-form-gps-weak")
    phone.tap("gps-use-anyway")
    phone.wait_text("gps-accuracy", "±400 m")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")
    phone.choose("form-details-type", "Shelling")
    phone.tap("form-finalize")
    phone.tap("finalize-confirm-ok")
    phone.wait("new-observation")
    with unlock_device(app_data_dir, PASSPHRASE) as device:
        [queued] = device.list_page(("queued",)).items
    location = queued.record["location"]
    assert (location["source"], location["accuracy_m"], location["lat"]) == ("gps", 400.0, 31.21)
    assert location["fix_at"]  # the fix's own time, signed with the record
    open_record(phone, "pending", "Smoke rising", "detail-location")
    phone.wait("detail-location")
    isolates = {0x2066: None, 0x2067: None, 0x2068: None, 0x2069: None}  # LTR runs are isolated (bidi)
    where = all_text(phone, "detail-location").translate(isolates)  # the line's accessible label
    assert "MGRS: 33R XQ" in where, where
    assert "31.21000, 16.59000" in where and "±400 m" in where and "fix at" in where
    phone.screenshot("app-22-detail-location")
    phone.tap("detail-back")


def test_a_reload_keeps_the_open_form_as_a_draft(phone):
    phone.wait("new-observation")
    phone.tap("new-observation")
    phone.tap("kind-other")
    phone.type("form-description", "Typed just before a reload")
    phone.page.reload()
    phone.enable_semantics()
    phone.type("unlock-passphrase", PASSPHRASE)
    phone.tap("unlock-submit")
    phone.wait("new-observation")
    phone.select_tab("drafts")
    phone.showing("Typed just before a reload").wait_for(timeout=30_000)


@pytest.fixture(scope="module")
def arabic_phone(browser, app_url, screenshot_dir):
    """A second phone on the same device whose GPS never answers."""
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="ar",
        geolocation=GPS_FIX,
        permissions=["geolocation"],
    )
    context.add_init_script(HANGING_GPS)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(app_url)
    ui = Ui(page, screenshot_dir)
    ui.enable_semantics()
    yield ui
    context.close()


def test_in_arabic_the_wait_is_bounded_and_errors_come_at_once(arabic_phone):
    phone = arabic_phone
    phone.type("unlock-passphrase", PASSPHRASE)
    phone.tap("unlock-submit")
    phone.tap("open-settings")
    phone.tap("lang-ar")
    phone.wait_text("screen-title", "الإعدادات")
    phone.tap("settings-back")
    phone.tap("new-observation")
    phone.tap("kind-violation")
    phone.wait("form-save")
    phone.type("form-description", "دخان شرق الطريق")
    phone.tap("form-back")
    phone.wait_text("unsaved-dialog", "تغييرات غير محفوظة")
    phone.screenshot("app-23-form-unsaved-arabic")
    phone.tap("unsaved-keep")
    phone.gone("unsaved-dialog")

    phone.tap("loc-gps")
    phone.tap("gps-fix")
    phone.wait_text("gps-wait-text", "ث من 20")  # seconds waited, of 20
    phone.screenshot("app-24-form-gps-waiting-arabic")
    phone.tap("gps-cancel")
    phone.wait_text("gps-status", "أُلغي")
    phone.tap("gps-fix")
    phone.wait_text("gps-status", "لم يُحدَّد الموقع في الوقت المناسب", timeout=40)  # the 20 s timeout
    phone.wait("gps-place-instead")
    phone.screenshot("app-25-form-gps-timeout-arabic")
    phone.tap("gps-type-instead")
    phone.type("form-lat", "31.2089")
    phone.type("form-lon", "16.5887")
    phone.wait_text("form-mgrs-hint", "33R XQ")
    phone.tap("form-finalize")
    phone.wait_text("form-error", "يرجى تصحيح الحقول")
    for field in ("form-observed-by", "form-certainty"):  # in one round
        assert "مطلوب." in all_text(phone, field), field
    phone.screenshot("app-26-form-errors-arabic")
