"""The console's shell: one `ConsoleApp` per browser session (sign-in, navigation, messages).

Each Flet session runs `ConsoleApp.start` once. The session's only credential is the bearer
token the server gave at sign-in, held by its `ConsoleApi` in memory; signing out (or an
expired token) drops it and returns to the sign-in screen.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import flet as ft
import httpx

from .api import ConsoleApi
from .downloads import TicketStore
from .errors import ConsoleError, SessionExpired
from .log_alarms import LogAlarmsState
from .register_state import RegisterAdminState
from .state import AdminState, OverviewState, QueueFilters, QueueState
from .tracker_state import TrackerState
from .views.widgets import tagged

log = logging.getLogger("fieldapp.console")

NAVIGATION = (
    ("queue", "Review queue", ft.Icons.INBOX),
    ("map", "Overview map", ft.Icons.MAP),
    ("tracker", "Tracker", ft.Icons.TIMELINE),
    ("sitreps", "Situation report", ft.Icons.ARTICLE),
    ("registers", "Registers", ft.Icons.LIST_ALT),
    ("admin", "Administration", ft.Icons.ADMIN_PANEL_SETTINGS),
    ("alarms", "Log alarms", ft.Icons.WARNING_AMBER),
)
ADMIN_ONLY = {"admin", "registers", "alarms"}
PHONE_WIDTH = 720  # narrower than this: the side bar becomes a menu, the queue a list of cards


@dataclass(frozen=True)
class ConsoleConfig:
    """What every console session shares: how to reach the API, download tickets, where it lives."""

    client: httpx.AsyncClient
    tickets: TicketStore
    code_hours: float  # an enrolment code's lifetime offered in the form: settings.enrollment_code_ttl
    mount_path: str = "/console"
    public_url: str | None = None  # the server URL devices enrol with; default: the page's origin
    client_key: str | None = None  # lets the API believe the browser address the console names


class ConsoleApp:
    def __init__(self, page: ft.Page, *, config: ConsoleConfig) -> None:
        self.page = page
        self.config = config
        # The browser's address, so the server's sign-in limits count each browser on its own.
        self.api = ConsoleApi(config.client, client_key=config.client_key, client_address=page.client_ip)
        self.queue = QueueState()
        self.overview = OverviewState()
        self.admin = AdminState(code_hours=config.code_hours)
        self.tracker = TrackerState()
        self.registers = RegisterAdminState()
        self.log_alarms = LogAlarmsState()
        self.launcher = ft.UrlLauncher()  # kept referenced: an unreferenced service is dropped
        self.screen = "login"
        self.body = ft.Container(expand=True, padding=ft.Padding.all(16))
        self.message = ft.Text("")
        # The Text stays visible inside its Semantics (Flet requires it); the box hides instead.
        self.message_box = ft.Container(
            content=tagged(self.message, "message"), padding=ft.Padding.only(left=16, top=8), visible=False
        )
        self.nav = ft.Column(spacing=4, width=190)
        self.nav_parts: dict[str, tuple[ft.TextButton, ft.Text, ft.Row]] = {}  # key: button, label, row
        self.who = ft.Text("")
        # Layout, routes and keys (docs/console.md "Phone", "Shortcuts"): the queue's view is
        # kept while other screens show, so going back redraws only what changed.
        from .views.shortcuts import Shortcuts

        self.shortcuts = Shortcuts(self)
        self.queue_view: Any = None
        self.view: Any = None  # the screen's view object
        self.queue_box = ft.Container(expand=True, visible=False)
        self.other_box = ft.Container(expand=True)
        self.body.content = ft.Column([self.queue_box, self.other_box], expand=True, spacing=0)
        self.side: ft.Container | None = None
        self.main: ft.Control | None = None
        self.menu_open = self.framed_compact = False
        # Routes this session pushed whose echo (the browser's route-change event) has not come
        # back yet, oldest first: echoes come in push order, maybe after a newer push.
        self.routes_pending: list[str] = []

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        page = self.page
        page.title = "FieldApp console"
        page.padding = 0
        page.bgcolor = ft.Colors.BLUE_GREY_50
        page.theme_mode = ft.ThemeMode.LIGHT
        page.on_close = self._session_closed
        page.on_keyboard_event = self.shortcuts.on_key
        page.on_resize = self._resized
        page.on_route_change = self._route_changed
        self.asked_route = page.route or "/"  # a shared or reloaded URL opens that view after sign-in
        self.show_login()

    async def _session_closed(self, _event: ft.Event | None = None) -> None:
        """Flet dropped this session (tab closed longer than the session timeout): end the token too."""
        await self._leave_report()
        await self.api.logout()

    def show_login(self, note: str | None = None) -> None:
        from .views.login import LoginView

        self.screen = "login"
        self.page.controls.clear()
        self.page.add(LoginView(self, note).control)
        self.page.update()

    async def signed_in(self) -> None:
        user = self.api.user
        assert user is not None
        self.who.value = f"{user.username} ({user.role})"
        self.page.controls.clear()
        self.page.add(self._frame())
        await self.open_route(self.asked_route)

    async def sign_out(self, _event: ft.Event | None = None) -> None:
        await self._leave_report()
        await self.api.logout()
        self.queue_view = self.view = None
        self.queue_box.content, self.queue_box.visible, self.other_box.content = None, False, None
        self.queue, self.overview, self.admin = QueueState(), OverviewState(), AdminState()
        self.tracker, self.registers = TrackerState(), RegisterAdminState()
        self.log_alarms = LogAlarmsState()
        self.show_login("Signed out.")

    # -- navigation -----------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        """Phone width (390 px and the like): menu instead of side bar, cards instead of a table."""
        return bool(self.page.width) and float(self.page.width or 0) < PHONE_WIDTH

    def _frame(self) -> ft.Control:
        compact = self.compact
        menu = tagged(
            ft.IconButton(
                icon=ft.Icons.MENU,
                icon_color=ft.Colors.WHITE,
                on_click=self.toggle_menu,
                tooltip="menu",
                width=48,
                height=48,
            ),
            "nav-menu",
        )
        top = ft.Container(
            bgcolor=ft.Colors.BLUE_GREY_900,
            padding=ft.Padding.symmetric(horizontal=8 if compact else 16, vertical=4 if compact else 10),
            content=ft.Row(
                [
                    *([menu] if compact else []),
                    ft.Text(
                        "FieldApp" if compact else "FieldApp verifier console",
                        color=ft.Colors.WHITE,
                        size=18,
                        weight=ft.FontWeight.BOLD,
                        no_wrap=True,
                    ),
                    ft.Container(expand=True),
                    tagged(
                        ft.Text(
                            self.who.value,
                            color=ft.Colors.WHITE_70,
                            no_wrap=True,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        "signed-in-as",
                    ),
                    tagged(
                        ft.IconButton(
                            icon=ft.Icons.KEYBOARD,
                            icon_color=ft.Colors.WHITE,
                            on_click=self._help,
                            tooltip="keyboard shortcuts (?)",
                            width=48,
                            height=48,
                        ),
                        "shortcuts-open",
                    ),
                    tagged(
                        ft.TextButton(
                            content=ft.Text("Sign out", color=ft.Colors.WHITE, no_wrap=True),
                            on_click=self.sign_out,
                            height=48,
                        ),
                        "sign-out",
                    ),
                ]
            ),
        )
        self.menu_open, self.framed_compact = False, compact
        # Phone: the side bar is a menu over the whole width, opened from the top bar's button.
        self.side = ft.Container(
            content=self.nav,
            padding=ft.Padding.all(10),
            bgcolor=ft.Colors.WHITE,
            expand=compact,
            visible=not compact,
        )
        self.nav.width = None if compact else 190
        # SelectionArea: verifiers can select and copy any text (ids, hashes, descriptions) while
        # each Text stays a plain text node in the accessibility tree.
        self.body.padding = ft.Padding.all(8 if compact else 16)
        self.main = ft.Column(
            [self.message_box, ft.SelectionArea(content=self.body, expand=True)], expand=True, spacing=0
        )
        divider = ft.VerticalDivider(width=1, visible=not compact)
        return ft.Column(
            [top, ft.Row([self.side, divider, self.main], expand=True, spacing=0)],
            expand=True,
            spacing=0,
        )

    async def toggle_menu(self, _event: ft.Event | None = None) -> None:
        if self.side is None or self.main is None:
            return
        self.menu_open = not self.menu_open
        self.side.visible, self.main.visible = self.menu_open, not self.menu_open
        self.page.update()

    async def _help(self, _event: ft.Event) -> None:
        self.shortcuts.toggle_help()

    async def _resized(self, _event: ft.Event) -> None:
        """Crossing the phone width redraws the frame (and the queue's rows) once."""
        if self.screen == "login" or self.api.user is None or self.side is None:
            return
        if self.compact == self.framed_compact:
            return
        self.page.controls.clear()
        self.page.add(self._frame())
        self.render_nav()
        if self.queue_view is not None:
            self.queue_view.relayout()
        self.page.update()

    def render_nav(self) -> None:
        """The side bar's buttons: made once per set of screens the user may open, then changed
        in place (which is selected, the alarm count), so a click landing on the bar while it
        is redrawn reaches a button that still exists."""
        admin = bool(self.api.user and self.api.user.is_admin)
        shown = [(key, text, icon) for key, text, icon in NAVIGATION if admin or key not in ADMIN_ONLY]
        if [key for key, _text, _icon in shown] != list(self.nav_parts):
            self.nav_parts = {}
            items: list[ft.Control] = []
            for key, text, icon in shown:
                label_text = ft.Text(text)
                row = ft.Row([ft.Icon(icon, size=18), label_text])
                button = ft.TextButton(content=row, on_click=self._nav_handler(key), height=48)
                self.nav_parts[key] = (button, label_text, row)
                items.append(tagged(button, f"nav-{key}"))
            self.nav.controls = items
        for key, (button, label_text, row) in self.nav_parts.items():
            selected = self.screen == key or (key == "queue" and self.screen == "report")
            label_text.weight = ft.FontWeight.BOLD if selected else None
            button.style = ft.ButtonStyle(bgcolor=ft.Colors.BLUE_50 if selected else None)
            if key == "alarms":  # after the icon and the label: the red count, when there is one
                row.controls[2:] = [_badge(self.log_alarms.count)] if self.log_alarms.count else []

    def _nav_handler(self, key: str) -> Callable[[ft.Event], Awaitable[None]]:
        async def handler(_event: ft.Event) -> None:
            if self.menu_open:
                await self.toggle_menu()
            await self.open(key)

        return handler

    async def open(self, screen: str, **kwargs: Any) -> None:
        """Show a screen and load its data; errors become the message line."""
        from .views.admin import AdminView
        from .views.alarms import AlarmsView
        from .views.overview import OverviewView
        from .views.queue import QueueView
        from .views.registers import RegistersView
        from .views.report import ReportView
        from .views.sitreps import SitrepView
        from .views.tracker import TrackerView

        views = {
            "queue": QueueView,
            "report": ReportView,
            "map": OverviewView,
            "admin": AdminView,
            "tracker": TrackerView,
            "registers": RegistersView,
            "alarms": AlarmsView,
            "sitreps": SitrepView,
        }
        if self.screen == "report" and (
            screen != "report" or kwargs.get("record_id") != self.view.state.record_id
        ):
            await self._leave_report()
        self.shortcuts.screen_changed()
        resume = screen == "queue" and self.queue_view is not None
        if screen == "queue" and self.queue_view is None:
            self.queue_view = QueueView(self)
            self.queue_box.content = self.queue_view.control
        view = self.queue_view if screen == "queue" else views[screen](self, **kwargs)
        self.view, self.screen = view, screen
        self.flash("")
        self.render_nav()
        # The queue stays in the page while another screen shows (hidden): going back to it
        # sends a visibility change and the rows that changed, not the whole list again.
        self.queue_box.visible = screen == "queue"
        self.other_box.visible = screen != "queue"
        self.other_box.content = None if screen == "queue" else view.control
        self.shortcuts.watch_view(view)  # before the first draw: the browser reports their focus
        self.page.update()
        loaded = await self.guard(view.resume if resume else view.load)
        if self.view is not view:  # the verifier went on meanwhile: that screen has the page now
            return
        if self.shortcuts.watch(view.control):  # fields the load drew
            self.page.update()
        if screen in ("queue", "report"):
            await self.remember_route()
        if loaded and screen != "alarms":
            await self._count_alarms()

    async def _count_alarms(self) -> None:
        """An administrator sees how many log alarms there are on every screen: counted again
        at each navigation (the alarms screen loads them itself)."""
        user = self.api.user
        if user is None or not user.is_admin:
            return
        before = self.log_alarms.count
        try:
            await self.log_alarms.load(self.api)
        except SessionExpired as exc:
            self.show_login(str(exc))
            return
        except ConsoleError:
            return  # the count stays as it was; the alarms screen says what is wrong
        if self.log_alarms.count != before:  # redrawn only then: a click landing on the side bar
            self.render_nav()  # while its buttons are rebuilt would be lost
            self.page.update()

    # -- routes: the URL names the screen and the queue's filters ------------------------------

    def route(self) -> str:
        if self.screen == "report" and self.view is not None:
            return f"/report/{self.view.state.record_id}"
        if self.screen == "queue":
            query = self.queue.filters.to_query()
            if self.queue.offset:
                query["offset"] = str(self.queue.offset)
            return "/queue?" + urlencode(query)
        return f"/{self.screen}"

    async def remember_route(self) -> None:
        """Put the view in the browser's address (shareable; a reload opens it again)."""
        route = self.route()
        if route != (self.page.route or ""):
            self.routes_pending = [*self.routes_pending[-15:], route]
            await self.page.push_route(route)

    async def _route_changed(self, event: ft.RouteChangeEvent) -> None:
        """The browser's back/forward (or an edited address): open what the URL names. The echo
        of a route this session pushed is not a navigation, even when it arrives after the
        verifier has moved on (a late echo of the queue's route must not close the report
        opened since)."""
        if event.route in self.routes_pending:
            del self.routes_pending[: self.routes_pending.index(event.route) + 1]
            return
        if self.api.user is None or event.route == self.route():
            return
        await self.open_route(event.route)

    async def open_route(self, route: str) -> None:
        parts = urlsplit(route or "/")
        path = [p for p in parts.path.split("/") if p]
        query = dict(parse_qsl(parts.query))
        screen = path[0] if path else "queue"
        user = self.api.user
        if screen == "report" and len(path) == 2 and len(path[1]) == 36:
            await self.open("report", record_id=path[1])
            return
        known = {key for key, _text, _icon in NAVIGATION}
        if screen not in known or (screen in ADMIN_ONLY and not (user and user.is_admin)):
            screen = "queue"
        if screen == "queue":
            try:
                filters = QueueFilters.from_query(query)
            except ConsoleError as exc:
                self.queue.filters, self.queue.offset = QueueFilters(), 0
                await self.open("queue")
                self.flash(
                    f"The address named a filter the queue does not know ({exc}); showing the default view.",
                    error=True,
                )
                self.page.update()
                return
            offset = query.get("offset", "0")
            self.queue.filters = filters
            self.queue.offset = int(offset) if offset.isdigit() and int(offset) <= 1_000_000 else 0
            if self.queue_view is not None:
                self.queue_view.fill_form()
                self.queue_view = None  # a different view of the queue: read it afresh
        await self.open(screen)

    async def _leave_report(self) -> None:
        """Leaving a report gives its lock back (if this verifier holds it): nobody waits for
        the idle timeout because a verifier moved on."""
        view, user = self.view, self.api.user
        if self.screen != "report" or view is None or user is None:
            return
        if view.state.lock_held_by(user.username):
            try:
                await view.state.release_lock(self.api)
            except ConsoleError:
                log.info("console.lock_release_failed", extra={"fields": {"record_id": view.state.record_id}})

    # -- errors and messages --------------------------------------------------------------

    def flash(self, text: str, *, error: bool = False) -> None:
        self.message.value = text
        self.message.color = ft.Colors.RED_700 if error else ft.Colors.GREEN_800
        self.message_box.visible = bool(text)

    async def guard(self, action: Callable[[], Awaitable[Any]]) -> bool:
        """Run an action; an expired session goes back to sign-in, other errors are shown."""
        try:
            await action()
        except SessionExpired as exc:
            self.show_login(str(exc))
            return False
        except ConsoleError as exc:
            self.flash(str(exc), error=True)
            self.page.update()
            return False
        except Exception:  # a bug: say so on screen, keep the details in the server log
            log.exception("console action failed")
            self.flash("Something went wrong in the console; the server log has the details.", error=True)
            self.page.update()
            return False
        self.page.update()
        return True

    # -- downloads ------------------------------------------------------------------------

    async def download(self, fmt: str, params: dict[str, str]) -> None:
        """Send the browser to a single-use ticket URL for this export (see downloads.py)."""
        user = self.api.user
        if user is None:
            raise SessionExpired()
        await self._send_to_ticket(self.config.tickets.issue(token=user.token, fmt=fmt, params=params))

    async def download_photo(self, record_id: str, sha256: str) -> None:
        """The same for one photo of a report: the original bytes, as signed."""
        user = self.api.user
        if user is None:
            raise SessionExpired()
        await self._send_to_ticket(
            self.config.tickets.issue_photo(token=user.token, record_id=record_id, sha256=sha256)
        )

    async def download_evidence(self, record_id: str) -> None:
        """The report's evidence package (docs/evidence.md), through a ticket like the others."""
        user = self.api.user
        if user is None:
            raise SessionExpired()
        await self._send_to_ticket(self.config.tickets.issue_evidence(token=user.token, record_id=record_id))

    async def download_sitrep(self, params: dict[str, str]) -> None:
        """A situation report file (docs/sitreps.md), through a ticket like the others."""
        user = self.api.user
        if user is None:
            raise SessionExpired()
        await self._send_to_ticket(self.config.tickets.issue_sitrep(token=user.token, params=params))

    async def _send_to_ticket(self, ticket: str) -> None:
        # Same tab: the answer is an attachment, so the console stays on screen.
        await self.launcher.launch_url(
            f"{self.config.mount_path}/download/{ticket}", web_only_window_name="_self"
        )

    def server_url(self) -> str:
        """The URL devices enrol with: configured, or the origin this console was opened at."""
        if self.config.public_url:
            return self.config.public_url
        page_url = self.page.url or ""
        origin = page_url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
        if self.config.mount_path and origin.endswith(self.config.mount_path):
            origin = origin[: -len(self.config.mount_path)]
        return origin.rstrip("/")


def _badge(count: int) -> ft.Control:
    """The red count beside "Log alarms"."""
    return ft.Container(
        content=ft.Text(str(count), color=ft.Colors.WHITE, size=12, weight=ft.FontWeight.BOLD),
        bgcolor=ft.Colors.RED_700,
        padding=ft.Padding.symmetric(horizontal=7, vertical=1),
        border_radius=10,
    )


def console_main(config: ConsoleConfig) -> Callable[[ft.Page], Awaitable[None]]:
    """The Flet entry point for one browser session."""

    async def main(page: ft.Page) -> None:
        console = ConsoleApp(page, config=config)
        page.data = console  # keep the session's app (and its services) referenced
        await console.start()

    return main
