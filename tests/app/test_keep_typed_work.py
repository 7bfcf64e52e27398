"""Locking never loses typing (issue 13.1): the open form's unsaved work becomes a draft before
the keys go — on auto-lock, on coming back too late, when the tab closes — and a form with
nothing typed leaves nothing behind. A fake page, a real encrypted store, a fake clock."""

import asyncio
from types import SimpleNamespace

import flet as ft

from fieldapp.services import unlock_device
from fieldapp.ui.state.observation_form import ObservationForm
from fieldapp.ui.views.form import ObservationFormScreen
from fieldapp.ui.views.unlock import UnlockScreen
from tests.app import test_lifecycle
from tests.app.test_lifecycle import PASSPHRASE

app, clock_now = test_lifecycle.app, test_lifecycle.clock_now  # the lifecycle tests' fixtures


def open_form(app, clock, description="Convoy of six trucks, heading south"):
    form = ObservationForm(clock=clock)
    form.choose_kind("unit_movement")
    form.description = description
    screen = ObservationFormScreen(app, form=form)
    app.show(screen)
    return screen


def drafts(app):
    with unlock_device(app.data_dir, PASSPHRASE) as device:
        return [view.record.get("description") for view in device.list_page(("draft",)).items]


def test_auto_lock_saves_the_open_form_as_a_draft_and_says_so(app, clock, clock_now):
    open_form(app, clock)
    clock_now.now += 5 * 60 + 1

    async def one_idle_check():
        from fieldapp.ui import app as app_module

        real_sleep = asyncio.sleep
        app_module.asyncio.sleep = lambda _s: real_sleep(0)  # type: ignore[assignment]
        try:
            task = asyncio.ensure_future(app._watch_idle())
            while app.session.unlocked:
                await real_sleep(0)
            task.cancel()
        finally:
            app_module.asyncio.sleep = real_sleep

    asyncio.run(one_idle_check())
    assert isinstance(app.screen, UnlockScreen) and app.screen.notice_key == "unlock.auto_locked_draft"
    assert drafts(app) == ["Convoy of six trucks, heading south"]


def test_back_too_late_from_the_background_keeps_the_form(app, clock, clock_now):
    open_form(app, clock, "Checkpoint closed")
    app._on_lifecycle(SimpleNamespace(state=ft.AppLifecycleState.HIDE))
    clock_now.now += 5 * 60 + 1
    app._on_lifecycle(SimpleNamespace(state=ft.AppLifecycleState.SHOW))
    assert not app.session.unlocked
    assert drafts(app) == ["Checkpoint closed"]


def test_a_closed_tab_keeps_the_form_and_an_untouched_form_leaves_nothing(app, clock):
    screen = open_form(app, clock, "Typed, then the tab closed")
    app._on_disconnect()
    assert drafts(app) == ["Typed, then the tab closed"]
    assert app.session.unlock(PASSPHRASE).ok
    assert not screen.form.unsaved  # the saved draft is what the form holds
    app.show(ObservationFormScreen(app))  # nothing typed: no kind yet
    app.lock()
    assert drafts(app) == ["Typed, then the tab closed"]
