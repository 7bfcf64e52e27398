"""The situation report page in a real browser (Chromium) against a real `fieldapp serve`: a
verifier picks a day, reads the report (counts per area with the change from the day before,
the sections, every report linked) and downloads the PDF in English and Arabic; both are
rendered with pdftoppm (the screenshots in docs/ come from here)."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.registers.admin import seed_sample
from server.settings import Settings
from tests.console.conftest import PASSWORD
from tests.console.test_console_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    _require_chromium,
    save_screenshot,
    sign_in,
    type_into,
    ui,
    wait_text,
)
from tests.sitreps.seed import Seeded, at, store
from tests.support.live_server import create_user, live_server

pytestmark = pytest.mark.browser
DAY = date(2026, 11, 3)
BEFORE = date(2026, 11, 2)
MISRATA, SIRTE = (32.20, 15.10), (31.30, 16.90)


def _reports() -> list[Seeded]:
    n = iter(range(1, 100))

    def seeded(day, hour, kind, where, details, state="verified"):
        return Seeded(
            f"00000000-0000-4000-8000-{next(n):012d}", kind, state, at(day, hour, 0), *where, details
        )

    return [
        seeded(BEFORE, 9, "violation", SIRTE, {"type": "shelling", "count": 4}),
        seeded(BEFORE, 13, "violation", MISRATA, {"type": "small_arms", "count": 20}),
        seeded(DAY, 8, "violation", SIRTE, {"type": "shelling", "count": 9}),
        seeded(DAY, 10, "violation", SIRTE, {"type": "projectile", "count": 3}),
        seeded(DAY, 11, "violation", MISRATA, {"type": "small_arms", "count": 35}),
        seeded(DAY, 12, "violation", SIRTE, {"type": "airstrike", "count": 1}, state="received"),
        seeded(
            DAY,
            9,
            "unit_movement",
            (30.95, 16.10),
            {
                "unit": {"id": "unit-w1", "name": "West 1st Brigade"},
                "personnel": 60,
                "vehicles": {"technical": 10},
                "heading": "E",
            },
        ),
        seeded(
            DAY,
            7,
            "foreign_fighters",
            (32.89, 13.28),
            {
                "activity": "departure",
                "estimated_number": 85,
                "crossing_point": {"id": "mitiga", "name": "Mitiga airport"},
            },
        ),
        seeded(DAY, 13, "heavy_weapons", (31.00, 16.80), {"system": "T-72 tank", "count": 3}),
        seeded(
            DAY,
            10,
            "movement_restriction",
            (31.10, 16.40),
            {"restriction": "denial", "by_whom": "armed men", "reason_given": "no permission"},
        ),
    ]


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    _require_chromium()
    data_dir: Path = tmp_path_factory.mktemp("server")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    settings = Settings.resolve(data_dir=data_dir, environ={})
    seed_sample(settings, signed_on=date(2026, 10, 1))
    engine = sa.create_engine(settings.database_url)
    store(engine, _reports())
    engine.dispose()
    with live_server(data_dir, console=True) as url:
        yield url


@pytest.fixture(scope="module")
def page(stage):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                else route.abort()
            ),
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


def test_a_verifier_reads_the_days_report_and_downloads_it_in_english_and_arabic(stage, page, tmp_path):
    sign_in(page, stage, "vera")
    ui(page, "nav-sitreps").click()
    wait_text(page, "sitrep-title", "Situation report")
    type_into(page, "sitrep-from", DAY.isoformat())
    ui(page, "sitrep-show").click()
    wait_text(page, "sitrep-title", f"Situation report — {DAY}")
    # 7 verified reports of the day (the pending airstrike is left out), 2 the day before.
    wait_text(page, "sitrep-text-0", "counted 7 reports (2 in the previous period)")
    wait_text(page, "sitrep-text-0", "47 ceasefire violations (24 in the previous period")
    wait_text(page, "sitrep-section-1", "Eastern area of responsibility")
    wait_text(page, "sitrep-section-1", "Western area of responsibility")
    wait_text(page, "sitrep-section-4", "beyond a withdrawal line")  # heavy weapons in violation
    wait_text(page, "sitrep-section-5", "armed men")  # the freedom-of-movement log
    assert ui(page, "sitrep-open-00000000-0000-4000-8000-000000000003").count() == 1
    assert ui(page, "sitrep-open-00000000-0000-4000-8000-000000000006").count() == 0  # pending: not counted
    save_screenshot(page, "sitrep-console.png")

    for language in ("en", "ar"):
        with page.expect_download(timeout=120_000) as download:
            ui(page, f"sitrep-download-pdf-{language}").click()
        assert download.value.suggested_filename == f"sitrep-{DAY}-{language}.pdf"
        pdf = tmp_path / f"sitrep-{language}.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF-")
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(tmp_path / language)], check=True)
        pages = sorted(tmp_path.glob(f"{language}-*.png"))
        assert len(pages) >= 3
        if os.environ.get("FIELDAPP_UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / f"sitrep-pdf-{language}.png").write_bytes(pages[0].read_bytes())
            (SCREENSHOTS / f"sitrep-pdf-{language}-map.png").write_bytes(pages[-1].read_bytes())

    # The period form: a bad day is said on the page, nothing is asked.
    type_into(page, "sitrep-from", "2026-11-31")
    ui(page, "sitrep-show").click()
    wait_text(page, "message", "Not a date (YYYY-MM-DD): 2026-11-31")
