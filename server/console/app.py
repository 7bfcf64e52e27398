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

import flet as ft
import httpx

from .api import ConsoleApi
from .downloads import TicketStore
from .errors import ConsoleError, SessionExpired
from .log_alarms import LogAlarmsState
from .register_state import RegisterAdminState
from .state import AdminState, OverviewState, QueueState
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
        self.who = ft.Text("")

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        page = self.page
        page.title = "FieldApp console"
        page.padding = 0
        page.bgcolor = ft.Colors.BLUE_GREY_50
        page.theme_mode = ft.ThemeMode.LIGHT
        page.on_close = self._session_closed
        self.show_login()

    async def _session_closed(self, _event: ft.Event | None = None) -> None:
        """Flet dropped this session (tab closed longer than the session timeout): end the token too."""
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
        await self.open("queue")

    async def sign_out(self, _event: ft.Event | None = None) -> None:
        await self.api.logout()
        self.queue, self.overview, self.admin = QueueState(), OverviewState(), AdminState()
        self.tracker, self.registers = TrackerState(), RegisterAdminState()
        self.log_alarms = LogAlarmsState()
        self.show_login("Signed out.")

    # -- navigation -----------------------------------------------------------------------

    def _frame(self) -> ft.Control:
        top = ft.Container(
            bgcolor=ft.Colors.BLUE_GREY_900,
            padding=ft.Padding.symmetric(horizontal=16, vertical=10),
            content=ft.Row(
                [
                    ft.Text(
                        "FieldApp verifier console", color=ft.Colors.WHITE, size=18, weight=ft.FontWeight.BOLD
                    ),
                    ft.Container(expand=True),
                    tagged(ft.Text(self.who.value, color=ft.Colors.WHITE_70), "signed-in-as"),
                    tagged(
                        ft.TextButton(
                            content=ft.Text("Sign out", color=ft.Colors.WHITE), on_click=self.sign_out
                        ),
                        "sign-out",
                    ),
                ]
            ),
        )
        side = ft.Container(content=self.nav, padding=ft.Padding.all(10), bgcolor=ft.Colors.WHITE)
        # SelectionArea: verifiers can select and copy any text (ids, hashes, descriptions) while
        # each Text stays a plain text node in the accessibility tree.
        main = ft.Column(
            [self.message_box, ft.SelectionArea(content=self.body, expand=True)], expand=True, spacing=0
        )
        return ft.Column(
            [top, ft.Row([side, ft.VerticalDivider(width=1), main], expand=True, spacing=0)],
            expand=True,
            spacing=0,
        )

    def render_nav(self) -> None:
        user = self.api.user
        items: list[ft.Control] = []
        for key, text, icon in NAVIGATION:
            if key in ADMIN_ONLY and not (user and user.is_admin):
                continue
            selected = self.screen == key or (key == "queue" and self.screen == "report")
            parts: list[ft.Control] = [
                ft.Icon(icon, size=18),
                ft.Text(text, weight=ft.FontWeight.BOLD if selected else None),
            ]
            if key == "alarms" and self.log_alarms.count:
                parts.append(_badge(self.log_alarms.count))
            button = ft.TextButton(
                content=ft.Row(parts),
                on_click=self._nav_handler(key),
                style=ft.ButtonStyle(bgcolor=ft.Colors.BLUE_50 if selected else None),
            )
            items.append(tagged(button, f"nav-{key}"))
        self.nav.controls = items

    def _nav_handler(self, key: str) -> Callable[[ft.Event], Awaitable[None]]:
        async def handler(_event: ft.Event) -> None:
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
        view = views[screen](self, **kwargs)
        self.screen = screen
        self.flash("")
        self.render_nav()
        self.body.content = view.control
        self.page.update()
        if await self.guard(view.load) and screen != "alarms":
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
