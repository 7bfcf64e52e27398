"""Keyboard shortcuts for the verifier's common path, and their help overlay ("?").

Single keys, so they never fire while the verifier types: every text field on screen is
watched (focus and blur) and a key pressed while one has the focus is left to the field. The
one exception is Ctrl+Enter in the reason field after "i": it sends the needs-info question.

Keys also count as activity on a report: while the verifier holds its lock, a key renews the
lock at most once a minute, so the server's idle timeout (server/locks.py) only ends a lock
its holder has walked away from.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import flet as ft

from .widgets import tagged

if TYPE_CHECKING:
    from ..app import ConsoleApp

RENEW_AFTER_SECONDS = 60.0
TYPING_GRACE_SECONDS = 0.5

# (keys as shown, what they do)
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("?", "Show or hide this help"),
    ("j  or  Down", "Next report: selects it in the queue, opens it on a report"),
    ("k  or  Up", "Previous report"),
    ("Enter  or  o", "Open the selected report (queue)"),
    ("n", "Show the new reports the banner announces (queue)"),
    ("l", "Take the lock, or renew it (report)"),
    ("v", "Verify (report)"),
    ("i", "Needs info: puts you in the reason field; type the question, then Ctrl+Enter"),
    ("q  or  Esc", "Back to the queue (a report's lock is released)"),
)

NEXT, PREVIOUS = {"j", "arrow down"}, {"k", "arrow up"}


class Shortcuts:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.focused: set[int] = set()  # ids of the text fields that have the focus now
        self.watched: set[int] = set()
        self.help: ft.AlertDialog | None = None
        self.asking = False  # "i" was pressed: Ctrl+Enter in the reason sends needs-info
        self.renewed_at = 0.0
        self.fields: list[ft.TextField] = []  # every watched field (their text, before and after a key)

    # -- not while typing --------------------------------------------------------------------

    def watch(self, control: Any) -> int:
        """Hook focus and blur of every text field under `control` (once each); returns how many
        were new. A hook reaches the browser with the next page update: until then the browser
        does not report that field's focus, so the caller updates when this is not 0."""
        new = 0
        for field in _text_fields(control):
            if all(field is not other for other in self.fields):
                self.fields.append(field)
            if id(field) in self.watched:
                continue
            self.watched.add(id(field))
            new += 1
            field.on_focus = self._chained(field, field.on_focus, typing=True)
            field.on_blur = self._chained(field, field.on_blur, typing=False)
        return new

    def watch_view(self, view: Any) -> int:
        """A screen's fields before it is first drawn: those its view (and the view's parts,
        e.g. a report's corroboration card) hold as attributes, and those in its control."""
        holders = [
            view,
            *(v for v in vars(view).values() if hasattr(v, "__dict__") and not isinstance(v, ft.Control)),
        ]
        fields: list[ft.Control] = [
            v for h in holders for v in vars(h).values() if isinstance(v, ft.TextField)
        ]
        return self.watch(ft.Column(fields)) + self.watch(view.control)

    def _chained(self, field: ft.Control, previous: Any, *, typing: bool) -> Any:
        async def handler(event: ft.Event) -> None:
            (self.focused.add if typing else self.focused.discard)(id(field))
            if previous is not None:
                result = previous(event)
                if hasattr(result, "__await__"):
                    await result

        return handler

    def screen_changed(self) -> None:
        """A new screen: fields that had the focus are gone (they never send a blur)."""
        self.focused.clear()
        self.asking = False
        self.fields = []  # the new screen's fields are listed afresh (hooks stay: once per field)

    @property
    def typing(self) -> bool:
        return bool(self.focused)

    # -- keys --------------------------------------------------------------------------------

    async def on_key(self, event: ft.KeyboardEvent) -> None:
        key = (event.key or "").lower()
        app = self.app
        if app.api.user is None or app.screen == "login":
            return
        if self.watch(app.body):  # fields drawn since the screen opened: hooked from now on
            app.page.update()
        if app.screen == "report":
            await self._activity()
        if self.typing:
            if key == "enter" and (event.ctrl or event.meta) and self.asking and app.screen == "report":
                self.asking = False
                await app.view.decide("needs_info")
            return
        if event.ctrl or event.alt or event.meta:
            return  # the browser's own shortcuts (copy, reload, ...) stay the browser's
        # A field focused in a way the browser did not report (a click on the accessibility
        # tree's input) still sends its text change right after the key: wait for it, and if
        # a field's text changed, the key was typing, not a shortcut. Every key goes through
        # this, "?" too: a question typed into the reason field ends with one.
        before = [field.value for field in self.fields]
        await asyncio.sleep(TYPING_GRACE_SECONDS)
        if [field.value for field in self.fields] != before:
            return
        if key in ("?", "/") and (key == "?" or event.shift):
            self.toggle_help()
        elif self.help is not None:
            if key == "escape":
                self.toggle_help()
        else:
            await self._act(key)

    async def _act(self, key: str) -> None:
        app = self.app
        if key in ("q", "escape") and app.screen != "queue":
            await app.open("queue")
        elif app.screen == "queue" and app.queue_view is not None:
            view = app.queue_view
            if key in NEXT or key in PREVIOUS:
                view.rows.select(1 if key in NEXT else -1)
                app.page.update()
            elif key in ("enter", "o") and view.rows.selected:
                await view.open_report(view.rows.selected)
            elif key == "n" and app.queue.new:
                await view.show_new()
        elif app.screen == "report":
            report = app.view
            if key in NEXT or key in PREVIOUS:
                step = 1 if key in NEXT else -1
                other = app.queue.neighbour(report.state.record_id, step)
                if other:
                    await app.open("report", record_id=other)
                else:
                    app.flash("No " + ("next" if step > 0 else "previous") + " report on this queue page.")
                    app.page.update()
            elif key == "l":
                await report.take_lock()
                self.renewed_at = time.monotonic()
            elif key == "v":
                await report.decide("verified")
            elif key == "i":
                self.asking = True
                app.flash(
                    "Type the question for the observer, then press Ctrl+Enter to send it (needs info)."
                )
                app.page.update()
                await report.reason.focus()

    async def _activity(self) -> None:
        """Renew the verifier's own lock (at most once a minute) while they work on the report."""
        report = self.app.view
        user = self.app.api.user
        if user is None or not report.state.lock_held_by(user.username):
            return
        if time.monotonic() - self.renewed_at < RENEW_AFTER_SECONDS:
            return
        self.renewed_at = time.monotonic()
        await self.app.guard(lambda: report.state.take_lock(self.app.api))

    # -- help --------------------------------------------------------------------------------

    def toggle_help(self) -> None:
        page = self.app.page
        if self.help is not None:
            self.help = None
            page.pop_dialog()
            return
        rows = [
            tagged(
                ft.Row(
                    [
                        ft.Container(
                            ft.Text(keys, weight=ft.FontWeight.BOLD, font_family="monospace", no_wrap=True),
                            width=120,
                        ),
                        ft.Text(what, expand=True),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
                f"shortcut-{keys.split()[0]}",
            )
            for keys, what in SHORTCUTS
        ]
        self.help = ft.AlertDialog(
            title=ft.Text("Keyboard shortcuts"),
            content=tagged(
                ft.Column(
                    [
                        *rows,
                        ft.Text(
                            "Keys do nothing while you type in a field (except Ctrl+Enter after i).",
                            size=12,
                            color=ft.Colors.BLUE_GREY_700,
                        ),
                    ],
                    tight=True,
                    spacing=8,
                    width=460,
                ),
                "shortcuts-help",
            ),
            actions=[
                tagged(ft.TextButton(content="Close", on_click=self._close, height=48), "shortcuts-close")
            ],
            on_dismiss=self._dismissed,
        )
        page.show_dialog(self.help)

    async def _close(self, _event: ft.Event) -> None:
        self.toggle_help()

    def _dismissed(self, _event: ft.Event) -> None:
        self.help = None


def _text_fields(control: Any) -> list[ft.TextField]:
    found: list[ft.TextField] = []
    stack = [control]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, ft.TextField):
            found.append(node)
        for name in ("content", "controls", "actions", "title"):
            child = getattr(node, name, None)
            if isinstance(child, list):
                stack.extend(child)
            elif isinstance(child, ft.Control):
                stack.append(child)
    return found
