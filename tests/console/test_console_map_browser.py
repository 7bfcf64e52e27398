"""The console's maps in a real browser (issue 14, point 4): the server's own basemap tiles,
pins clustered at low zoom and split when zoomed, a legend and a scale bar, at desk and phone
width, and no request leaving 127.0.0.1 (tiles, fonts and all).

Six reports 2 km apart along the coast at Misrata overlap at the overview map's zoom and are
drawn as one cluster "6"; clicking it zooms to where they split, and each shows as its own
pin. Two more at Sirte and one at Benghazi stand apart.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.console.conftest import PASSWORD, report_at
from tests.console.test_console_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _require_chromium,
    save_screenshot,
    sign_in,
    ui,
    wait_text,
)
from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, create_user, live_server
from tests.support.request_log import LOOPBACK_ONLY, RequestLog

pytestmark = pytest.mark.browser

MISRATA_ROW = 6


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, list[str]]]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("server")
    create_user(data_dir, "vera", PASSWORD, "verifier")
    with live_server(data_dir, console=True) as url, httpx.Client(base_url=url, timeout=30) as client:
        device = make_device(21)
        device.enroll(client, create_enrollment_code(data_dir), label="team map")
        records = [report_at(device, minutes=i, north_km=-2.0 * i) for i in range(MISRATA_ROW)]
        sirte = [(31.205, 16.588), (31.10, 16.70)]
        for n, (lat, lon) in enumerate([*sirte, (32.116, 20.067)]):
            record = report_at(device, minutes=60 + n)
            record["location"] = {**record["location"], "lat": lat, "lon": lon}
            records.append(record)
        envelopes = [device.seal(*device.sign_next(r)) for r in records]
        answer = client.post("/api/v1/submissions", json={"envelopes": envelopes}, headers=device.auth)
        assert answer.status_code == 200, answer.text
        yield url, [r["id"] for r in records]


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, LOOPBACK_ONLY]
        )
        yield launched
        launched.close()


@pytest.fixture(params=[(1280, 800), (390, 844)], ids=["desk", "phone"])
def recorded(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    log = RequestLog.attach(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page, log, request.node.callspec.id
    context.close()


def tiles_loaded(page, log: RequestLog, *, quiet_ms: int = 2000, most_ms: int = 30_000) -> None:
    """Wait until the map has asked for no new tile for a while (for the screenshots)."""
    seen, waited = -1, 0
    while waited < most_ms:
        count = sum("/console/tiles/" in u for u in log.requests)
        if count == seen and count:
            return
        seen = count
        page.wait_for_timeout(quiet_ms)
        waited += quiet_ms


def test_overview_pins_cluster_then_split_with_legend_scale_and_local_tiles(served, recorded):
    url, record_ids = served
    page, log, size = recorded
    sign_in(page, url, "vera")
    ui(page, "nav-map").or_(ui(page, "nav-menu")).first.wait_for(state="attached")
    if ui(page, "nav-map").count() == 0:
        ui(page, "nav-menu").click()  # a phone layout whose sidebar collapses to a menu
    ui(page, "nav-map").click()
    ui(page, "overview-map").wait_for()
    # Low zoom: the six Misrata reports are in one cluster showing its count (six at desk
    # width; on a phone's narrower map they join Sirte's two: eight).
    cluster = ui(page, f"map-cluster-{MISRATA_ROW}").or_(ui(page, f"map-cluster-{MISRATA_ROW + 2}")).first
    cluster.wait_for()
    misrata = record_ids[:MISRATA_ROW]
    assert all(ui(page, f"map-pin-{r}").count() == 0 for r in misrata)
    ui(page, f"map-pin-{record_ids[-1]}").wait_for(state="attached")  # Benghazi, alone, is a pin
    first = cluster.get_attribute("flt-semantics-identifier")
    wait_text(page, "map-legend", "received")
    wait_text(page, "map-scale", "km")
    tiles_loaded(page, log)
    save_screenshot(page, f"console-map-clustered-{size}.png")
    # A click on the cluster zooms to where it splits (the cluster of six is gone, its
    # reports in smaller clusters or pins); clicking what is still clustered ends with every
    # report its own pin.
    cluster.click()
    ui(page, first).wait_for(state="detached")
    clusters = page.locator('[flt-semantics-identifier^="map-cluster-"]')
    for _ in range(2 * MISRATA_ROW):
        if all(ui(page, f"map-pin-{r}").count() for r in misrata):
            break
        names = clusters.evaluate_all("es => es.map(e => e.getAttribute('flt-semantics-identifier'))")
        shown = [n for n in names if re.fullmatch(r"map-cluster-\d+", n or "")]
        if shown:
            biggest = max(shown, key=lambda name: int(name.rsplit("-", 1)[1]))
            with contextlib.suppress(PlaywrightTimeout):  # it can be redrawn under the pointer
                ui(page, biggest).first.click(timeout=3000)
        page.wait_for_timeout(1500)
    page.wait_for_timeout(1000)
    alone = [r for r in misrata if ui(page, f"map-pin-{r}").count()]
    # At desk width all six fit on the map as pins; a phone's map is narrower than the row
    # at the zoom that splits it, so some are pins and the rest past the map's edge.
    assert len(alone) == MISRATA_ROW if size == "desk" else len(alone) >= 2, alone
    tiles_loaded(page, log)
    save_screenshot(page, f"console-map-split-{size}.png")
    page.wait_for_timeout(1500)
    tiles = [u for u in log.requests if "/console/tiles/" in u]
    assert tiles, "the map drew no tiles of the server's basemap"
    log.assert_stays_home(page)


def test_opening_a_report_no_longer_sends_the_country_outline(served, browser):
    """Issue 20, point 2: the map's ground is tiles fetched (and cached) by the browser; a
    report open sends the page's changes and the pins only. Before the tiles, the outline
    alone was ~130 KiB of each open (measured: ~150 KB a report open then, ~20 KB now)."""
    url, record_ids = served
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(len(payload))))
    try:
        sign_in(page, url, "vera")
        ui(page, f"open-{record_ids[0]}").wait_for()
        page.wait_for_timeout(2000)
        start = len(frames)
        ui(page, f"open-{record_ids[0]}").click()
        ui(page, "corroboration-map").wait_for()
        page.wait_for_timeout(3000)
        received = sum(frames[start:])
        assert received < 48 * 1024, f"a report open sent {received} bytes"
    finally:
        context.close()
