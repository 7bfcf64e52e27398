"""Log alarms in a real browser: an observer device catches a server that rewrote its log
(the device's own audit, at a real sync against a real `fieldapp serve`), reports it, and an
administrator sees the count beside "Log alarms" on every screen and the alarm in the list;
a verifier has no such screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fieldapp.services.enrollment import enroll_device
from fieldapp.services.syncing import run_sync
from tests.console import test_console_browser as shared
from tests.console.test_console_browser import (
    PASSWORD,
    _require_chromium,
    save_screenshot,
    sign_in,
    ui,
    wait_text,
)
from tests.support.forked_log import rewrite_history
from tests.support.live_server import create_enrollment_code, create_user, live_server
from tests.sync.live import new_device

pytestmark = pytest.mark.browser
# The console suite's Chromium and page (the browser is launched for this module's stage).
browser = shared.browser
page = shared.page


@dataclass
class AlarmStage:
    url: str
    device_id: str
    alarm: str


@pytest.fixture(scope="module")
def stage(tmp_path_factory) -> Iterator[AlarmStage]:
    _require_chromium()
    server_dir = tmp_path_factory.mktemp("server")
    create_user(server_dir, "ada", PASSWORD, "admin")
    create_user(server_dir, "vera", PASSWORD, "verifier")
    with live_server(server_dir, console=True) as url:
        device = new_device(tmp_path_factory.mktemp("observer"), queued=4)
        enroll_device(device, url, create_enrollment_code(server_dir), label="team 4 phone")
        assert run_sync(device).log_audit.status == "ok"  # the device keeps a signed head
        rewrite_history(server_dir, leaf_index=1)  # same size, one report backdated
        caught = run_sync(device)
        assert caught.log_audit.status == "failed" and caught.log_alarm, caught.log_audit
        device_id = device.device_id
        device.lock()
        yield AlarmStage(url=url, device_id=device_id, alarm=caught.log_alarm)


def test_an_admin_sees_the_alarm_count_everywhere_and_the_alarm_itself(stage, page):
    sign_in(page, stage.url, "ada")
    wait_text(page, "queue-range", "oldest first")
    wait_text(page, "nav-alarms", "Log alarms")
    wait_text(page, "nav-alarms", "1")  # the red count, on the first screen after sign-in
    ui(page, "nav-map").click()
    wait_text(page, "nav-alarms", "1")  # and on the others

    ui(page, "nav-alarms").click()
    wait_text(page, "alarms-summary", "1 alarm(s) raised by devices")
    card = "alarm-1"
    wait_text(page, card, stage.alarm)  # what failed, as the device said it
    wait_text(page, card, f"Device: {stage.device_id} (team 4 phone)")
    wait_text(page, card, "Detected 20")
    wait_text(page, card, "UTC")
    wait_text(page, card, "proof, not rumour")  # both heads carry this server's signature
    save_screenshot(page, "console-alarms.png")


def test_a_verifier_has_no_alarms_screen(stage, page):
    sign_in(page, stage.url, "vera")
    wait_text(page, "queue-range", "oldest first")
    assert ui(page, "nav-alarms").count() == 0 and ui(page, "nav-admin").count() == 0
