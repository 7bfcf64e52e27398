"""The seam between the app object and its screens, as types.

`AppShell` is what a screen may use of the app (`FieldApp` is the one implementation);
`Screen` is what the app asks of a screen. Screens type their `app` as `AppShell`, so
a screen reaching for anything else of the app is a type error, and tests of a screen
could hand it any object with these members.

Only names, no behaviour: the imports are for the type checker (the unlock screen must
come up without loading the services).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import flet as ft

    from fieldapp.services import Unlocked
    from fieldapp.ui.i18n import Translator
    from fieldapp.ui.state.gps import GpsReader
    from fieldapp.ui.state.observation_form import ObservationForm
    from fieldapp.ui.state.photos import PickedFile
    from fieldapp.ui.state.session import DeviceSession
    from fieldapp.ui.state.sync_controller import SyncController


class Screen(Protocol):
    """One screen: `build()` draws it (again, after a language change)."""

    def build(self) -> ft.Control: ...


@runtime_checkable
class FollowsSync(Protocol):
    """A screen that redraws when a sync run reports (called on the page's loop)."""

    def sync_changed(self) -> None: ...


@runtime_checkable
class TakesPhotos(Protocol):
    """A screen that receives the page's file picker results (the form)."""

    async def photo_picked(self, files: Sequence[PickedFile]) -> None: ...


class AppShell(Protocol):
    """What a screen may use of the app."""

    page: ft.Page  # to redraw (`update`) and show dialogs
    tr: Translator
    session: DeviceSession  # create / unlock / change passphrase / wipe
    sync: SyncController | None  # while unlocked: the sync bar's status
    gps: GpsReader
    clock: Callable[[], datetime]
    data_dir: Path

    @property
    def device(self) -> Unlocked:
        """The unlocked device; raises `Locked` (which `guard` turns into the unlock screen)."""
        ...

    def t(self, key: str, **values: object) -> str: ...

    def guard(self, *, activity: bool = True) -> AbstractContextManager[None]:
        """Around every handler's work: counts as activity; an error becomes a message."""
        ...

    def toast(self, text: str) -> None: ...

    def show(self, screen: Screen) -> None: ...

    def show_unlock(self, notice_key: str | None = None) -> None: ...

    def show_enroll(self, *, after_setup: bool) -> None: ...

    def show_home(self, tab: str | None = None) -> None: ...

    def show_form(self, form: ObservationForm | None = None) -> None: ...

    def show_detail(self, record_id: str) -> None: ...

    def show_settings(self) -> None: ...

    def file_picker(self) -> ft.FilePicker: ...

    def set_language(self, language: str) -> None: ...

    def set_auto_lock(self, minutes: int) -> None: ...

    def unlocked(self, *, first_run: bool = False) -> None: ...

    def lock(self, notice_key: str | None = None) -> None: ...

    def wiped(self) -> None: ...

    def sync_now(self, *, watch: str | None = None, answer: bool = False) -> None: ...
