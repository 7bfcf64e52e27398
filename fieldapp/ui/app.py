"""The app object: wires the session, the screens, auto-lock and background sync to a page.

`main(page)` is what `ft.run` and `flet build` call; `make_main(data_dir, ...)` makes
one bound to a data dir (the `fieldapp app` command and the tests use it). `FieldApp`
is the `AppShell` the screens see (fieldapp/ui/shell.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.errors import FieldAppError
from fieldapp.ui.i18n import DEFAULT_LANGUAGE, Translator
from fieldapp.ui.paths import ASSETS_DIR
from fieldapp.ui.shell import FollowsSync, Screen, TakesPhotos
from fieldapp.ui.state.gps import GpsReader
from fieldapp.ui.state.idle import IdleTimer
from fieldapp.ui.state.lifecycle import AppLifecycle, elapsed_clock
from fieldapp.ui.state.session import DeviceSession
from fieldapp.ui.theme import apply_theme
from sync.errors import SyncError

if TYPE_CHECKING:
    from fieldapp.services import Unlocked
    from fieldapp.ui.state.observation_form import ObservationForm
    from fieldapp.ui.state.photos import PickedFile
    from fieldapp.ui.state.sync_controller import SyncController
    from fieldapp.vault import KdfParams

log = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 1.0


def utc_now() -> datetime:
    # Not fieldapp.services.utc_now: importing the services package loads the store and
    # the vault, and the unlock screen must come up before that.
    return datetime.now(UTC)


class FieldApp:
    """One per page (browser tab or window). Holds what must outlive a screen: the
    session, the translator, the idle timer, the sync controller, the GPS service."""

    def __init__(
        self,
        page: ft.Page,
        *,
        data_dir: Path,
        kdf: KdfParams | None = None,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = elapsed_clock,
        assets_dir: Path = ASSETS_DIR,
    ) -> None:
        self.page = page
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.assets_dir = assets_dir
        self.session = DeviceSession(self.data_dir, kdf=kdf, clock=clock)
        self.idle = IdleTimer(0, clock=monotonic)
        self.lifecycle = AppLifecycle(clock=monotonic)
        self.tr = Translator.load(DEFAULT_LANGUAGE, assets_dir)
        self.screen: Screen | None = None
        self.sync: SyncController | None = None  # while unlocked
        # Services must stay referenced or Flet drops them; made on first use.
        self.gps = GpsReader()
        self._file_picker: ft.FilePicker | None = None
        self._idle_task: Future[None] | None = None
        self.session.on_lock.append(self._stop_sync)

    # -- text, the device, errors ----------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return self.tr.t(key, **values)

    @property
    def device(self) -> Unlocked:
        device = self.session.device
        if device is None:
            from fieldapp.vault import Locked

            raise Locked()
        return device

    @contextlib.contextmanager
    def guard(self, *, activity: bool = True) -> Iterator[None]:
        """The one place an error in a screen's handler becomes something on screen.

        Every handler runs its work inside `with app.guard():`. Entering counts as
        activity for auto-lock (`activity=False` for redraws the observer didn't ask
        for, such as a sync report). A locked device (auto-lock won a race with a tap)
        goes to the unlock screen; a `FieldAppError` shows its sentence; anything else
        is a bug: logged with its traceback, and a plain sentence on screen.
        """
        if activity:
            self.idle.touch()
        try:
            yield
        except Exception as exc:
            self._report(exc)

    def _report(self, exc: Exception) -> None:
        from fieldapp.vault import Locked

        if isinstance(exc, Locked):
            self.show_unlock()
        elif isinstance(exc, FieldAppError | SyncError):  # both say their sentence (e.g. the place list)
            self.toast(self.t("common.failed", reason=" ".join(str(exc).split())))
        else:
            log.exception("observer app: a handler failed", exc_info=exc)
            self.toast(self.t("common.bug"))

    # -- start, screens --------------------------------------------------------------

    def start(self) -> None:
        page = self.page
        page.title = "FieldApp"
        page.padding = 0
        page.spacing = 0
        page.on_close = self._on_page_closed
        page.on_disconnect = self._on_disconnect
        page.on_app_lifecycle_state_change = self._on_lifecycle
        language = DEFAULT_LANGUAGE
        if self.session.exists():
            language = self.session.clear_settings().language
        self._use_language(language)
        if self.session.exists():
            self.show_unlock()
        else:
            self.show_setup()
        self._idle_task = page.run_task(self._watch_idle)

    def show(self, screen: Screen) -> None:
        """Replace the page's content with a screen object (anything with `build()`)."""
        self.screen = screen
        self.page.controls = [screen.build()]
        self.page.update()

    def rebuild(self) -> None:
        if self.screen is not None:
            self.show(self.screen)

    def show_setup(self) -> None:
        from fieldapp.ui.views.setup import SetupScreen

        self.show(SetupScreen(self))

    def show_unlock(self, notice_key: str | None = None) -> None:
        from fieldapp.ui.views.unlock import UnlockScreen

        self.show(UnlockScreen(self, notice_key=notice_key))

    def show_enroll(self, *, after_setup: bool) -> None:
        from fieldapp.ui.views.enroll import EnrollScreen

        self.show(EnrollScreen(self, after_setup=after_setup))

    def show_home(self, tab: str | None = None) -> None:
        from fieldapp.ui.views.home import HomeScreen

        self.show(HomeScreen(self, tab=tab))

    def show_form(self, form: ObservationForm | None = None) -> None:
        from fieldapp.ui.views.form import ObservationFormScreen

        self.show(ObservationFormScreen(self, form=form))

    def show_detail(self, record_id: str) -> None:
        from fieldapp.ui.views.detail import DetailScreen

        self.show(DetailScreen(self, record_id))

    def show_settings(self) -> None:
        from fieldapp.ui.views.settings import SettingsScreen

        self.show(SettingsScreen(self))

    def file_picker(self) -> ft.FilePicker:
        """The page's one file picker (a service: kept here so Flet doesn't drop it). Its
        result goes to whichever screen is showing (the form, which asked for it)."""
        if self._file_picker is None:
            self._file_picker = ft.FilePicker(on_result=self._files_picked)
        return self._file_picker

    async def _files_picked(self, event: ft.FilePickerResultEvent) -> None:
        screen = self.screen
        if isinstance(screen, TakesPhotos):
            files: Sequence[PickedFile] = event.files or []
            await screen.photo_picked(files)

    def toast(self, text: str) -> None:
        # Floating above the bottom bar and the "New observation" button, so it never
        # covers what the thumb taps next.
        self.page.show_dialog(
            ft.SnackBar(
                content=ft.Text(value=text),
                duration=ft.Duration(seconds=3),
                behavior=ft.SnackBarBehavior.FLOATING,
                margin=ft.Margin.only(left=16, right=16, bottom=88),
            )
        )

    # -- settings the app itself applies ---------------------------------------------

    def _use_language(self, language: str) -> None:
        self.tr = Translator.load(language, self.assets_dir)
        apply_theme(self.page, rtl=self.tr.rtl)

    def set_language(self, language: str) -> None:
        """Saved before unlock too (the unlock screen is shown in it); redraws the screen."""
        self.session.set_language(language)
        self._use_language(language)
        self.rebuild()

    def set_auto_lock(self, minutes: int) -> None:
        """Saved with the device's settings and applied to the running idle timer at once."""
        self.device.update_settings(auto_lock_minutes=minutes)
        self.idle.set_minutes(minutes)

    # -- unlocked life ----------------------------------------------------------------

    def unlocked(self, *, first_run: bool = False) -> None:
        """After create/unlock: auto-lock minutes from settings, background sync, home."""
        settings = self.session.clear_settings()
        self.idle.set_minutes(settings.auto_lock_minutes)
        self._start_sync()
        if first_run:
            self.show_enroll(after_setup=True)
        else:
            self.show_home()

    def lock(self, notice_key: str | None = None) -> None:
        self.session.lock()
        self.show_unlock(notice_key)

    def wiped(self) -> None:
        self._use_language(DEFAULT_LANGUAGE)
        self.show_setup()

    def sync_now(self, *, watch: str | None = None, answer: bool = False) -> None:
        """Ask the background sync for a run now (after finalizing, enrolling, a tap).
        `answer`: say its outcome when it ends ("Sync now"); `watch`: a finalized record,
        said "sent" once the server has it (or why it is still queued)."""
        if self.sync is not None:
            self.sync.sync_now(watch=watch, answer=answer)

    def _start_sync(self) -> None:
        from fieldapp.ui.state.sync_controller import SyncController

        self.sync = SyncController(self.device, on_change=self._sync_changed)
        self.sync.start()

    def _stop_sync(self) -> None:
        sync, self.sync = self.sync, None
        if sync is not None:
            sync.stop()

    def _sync_changed(self) -> None:
        """Called from the sync thread: hop onto the page's loop to redraw."""
        with contextlib.suppress(RuntimeError):  # the page closed meanwhile
            self.page.run_task(self._redraw_sync)

    async def _redraw_sync(self) -> None:
        screen = self.screen
        if isinstance(screen, FollowsSync):
            screen.sync_changed()
        notice = self.sync.take_notice() if self.sync is not None else None
        if notice is not None and self.session.unlocked:
            self.toast(notice.text(self.t))

    async def _watch_idle(self) -> None:
        while True:
            await asyncio.sleep(IDLE_CHECK_SECONDS)
            if self.session.unlocked and self.idle.due():
                log.info("auto-lock after %s idle minutes", self.idle.minutes)
                self.lock("unlock.auto_locked")

    def _on_lifecycle(self, event: ft.AppLifecycleStateChangeEvent) -> None:
        """Back from the background: lock if idle (time away included) past the auto-lock
        time, else count it as activity and sync what waits (state/lifecycle.py)."""
        from fieldapp.ui.state.lifecycle import work_waiting

        with self.guard(activity=False):
            action = self.lifecycle.changed(
                event.state.value,
                idle_due=self.idle.due,
                unlocked=self.session.unlocked,
                work_waiting=lambda: work_waiting(self.device),
            )
            if action == "lock":
                log.info("auto-lock on return after %.0f s away", self.lifecycle.away_seconds)
                self.lock("unlock.auto_locked")
            elif action is not None:
                self.idle.touch()
                if action == "sync":
                    self.sync_now()

    def _on_disconnect(self, _event: ft.Event[ft.Page] | None = None) -> None:
        # The browser tab went away (or lost its connection): the keys must not stay in
        # memory meanwhile. If it comes back, it finds the unlock screen.
        if self.session.unlocked:
            with contextlib.suppress(Exception):  # the page may be unable to redraw now
                self.lock("unlock.auto_locked")
        self.session.lock()

    def _on_page_closed(self, _event: ft.Event[ft.Page] | None = None) -> None:
        self.session.lock()
        if self._idle_task is not None:
            self._idle_task.cancel()


def make_main(data_dir: Path | None = None, **options: Any) -> Callable[[ft.Page], None]:
    def run(page: ft.Page) -> None:
        from fieldapp.services.paths import resolve_data_dir

        app = FieldApp(page, data_dir=data_dir or resolve_data_dir(None), **options)
        page.data = app  # keeps the app (and the services it holds) referenced
        app.start()

    return run


def main(page: ft.Page) -> None:
    """Entry for `flet build` / `flet run`: the data dir comes from FIELDAPP_DATA_DIR or the
    platform (FLET_APP_STORAGE_DATA on a phone)."""
    make_main()(page)
