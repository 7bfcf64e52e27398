"""Two races of a console session on a loaded machine, checked without a browser: a "?" typed
into a field must not open the shortcuts' help, and the late echo of a route the console
pushed must not navigate away from the screen opened since (docs/console.md "Shortcuts",
"Addresses")."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import flet as ft
import httpx

from server.console.api import SignedIn
from server.console.app import ConsoleApp
from server.console.views.shortcuts import TYPING_GRACE_SECONDS, Shortcuts


class StubPage:
    """The parts of a Flet page a console session touches here; the browser's side is the test."""

    client_ip = "127.0.0.1"

    def __init__(self) -> None:
        self.route = "/"
        self.pushed: list[str] = []
        self.dialogs: list[Any] = []

    async def push_route(self, route: str) -> None:
        self.pushed.append(route)  # the browser's echo comes later, as the test says

    def update(self) -> None:
        pass

    def show_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog)

    def pop_dialog(self) -> None:
        self.dialogs.pop()


def _console(page: StubPage) -> ConsoleApp:
    config: Any = SimpleNamespace(
        client=httpx.AsyncClient(base_url="http://127.0.0.1:9"), client_key=None, code_hours=24.0
    )
    app = ConsoleApp(page, config=config)  # type: ignore[arg-type]
    app.api.user = SignedIn(username="vera", role="verifier", token="t")
    return app


def _key(key: str, *, shift: bool = False) -> Any:
    return SimpleNamespace(key=key, ctrl=False, alt=False, meta=False, shift=shift)


def _on_report(app: ConsoleApp, field: ft.TextField) -> Shortcuts:
    state = SimpleNamespace(record_id="b3c1f4de-0000-4000-8000-000000000001", lock_held_by=lambda _u: False)
    app.screen, app.view = "report", SimpleNamespace(state=state, control=field)
    app.body.content = ft.Column([field])
    shortcuts = app.shortcuts
    shortcuts.watch(field)
    return shortcuts


def test_a_question_mark_typed_into_a_field_does_not_open_the_help() -> None:
    """The browser did not report the field's focus (a click on the accessibility tree's input);
    its text change for the "?" arrives just after the key, as it does from a real browser."""

    async def scenario() -> tuple[int, int]:
        page = StubPage()
        app = _console(page)
        reason = ft.TextField(value="Were the technicals armed")
        shortcuts = _on_report(app, reason)

        async def browser_types() -> None:
            await asyncio.sleep(TYPING_GRACE_SECONDS / 5)
            reason.value = "Were the technicals armed?"

        typed = asyncio.gather(shortcuts.on_key(_key("?", shift=True)), browser_types())
        await typed
        while_typing = len(page.dialogs)
        await shortcuts.on_key(_key("?", shift=True))  # the same key with no field changing
        return while_typing, len(page.dialogs)

    while_typing, off_the_field = asyncio.run(scenario())
    assert while_typing == 0
    assert off_the_field == 1  # the help still opens from the page itself


def test_a_late_echo_of_an_earlier_route_keeps_the_report_opened_since() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        page = StubPage()
        app = _console(page)
        opened: list[str] = []

        async def open_route(route: str) -> None:
            opened.append(route)

        app.open_route = open_route  # type: ignore[method-assign]
        app.screen = "queue"
        await app.remember_route()  # signed in: the queue's address
        record = "b3c1f4de-0000-4000-8000-000000000001"
        app.screen, app.view = "report", SimpleNamespace(state=SimpleNamespace(record_id=record))
        await app.remember_route()  # a row clicked before the first echo came back
        queue_route, report_route = page.pushed
        for echo in (queue_route, report_route):  # the browser's echoes, in push order, late
            page.route = echo
            await app._route_changed(SimpleNamespace(route=echo))  # type: ignore[arg-type]  # a stub event
        pushed_echoes = list(opened)
        page.route = queue_route
        await app._route_changed(SimpleNamespace(route=queue_route))  # type: ignore[arg-type]  # the back button
        return pushed_echoes, opened

    echoes, opened = asyncio.run(scenario())
    assert echoes == []  # neither echo navigated
    assert opened == [opened[0]] and opened[0].startswith("/queue")  # back still works


def test_the_side_bar_keeps_its_buttons_across_screens_and_counts() -> None:
    """A click landing on the side bar while a navigation redraws it must reach a button that
    still exists: the buttons are changed in place, not made anew."""
    app = _console(StubPage())
    app.api.user = SignedIn(username="ada", role="admin", token="t")
    app.screen = "queue"
    app.render_nav()
    before = list(app.nav.controls)
    app.screen = "map"
    app.log_alarms.alarms = [SimpleNamespace(), SimpleNamespace()]  # type: ignore[list-item]  # counted only
    app.render_nav()
    assert app.nav.controls == before and all(a is b for a, b in zip(app.nav.controls, before, strict=True))
    button, label_text, row = app.nav_parts["map"]
    assert label_text.weight == ft.FontWeight.BOLD and app.nav_parts["queue"][1].weight is None
    alarms_row = app.nav_parts["alarms"][2]
    assert any(isinstance(c, ft.Container) for c in alarms_row.controls)  # the red count
