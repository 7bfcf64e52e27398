"""Home: the sync bar, tabs drafts / pending / sent / reviewed, the list, "New observation"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.ui.bidi import ltr
from fieldapp.ui.state.home import TABS, HomeState
from fieldapp.ui.state.places import place_text
from fieldapp.ui.state.sync_bar import sync_bar_parts
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.views.labels import STATE_COLOURS, kind_label, short_time
from fieldapp.ui.views.widgets import icon_button, screen, secondary_button, tagged

if TYPE_CHECKING:
    from fieldapp.services import RecordView
    from fieldapp.ui.shell import AppShell


class HomeScreen:
    def __init__(self, app: AppShell, *, tab: str | None = None) -> None:
        self.app = app
        self.state = HomeState(app.device, tab=tab or "drafts")
        self.state.refresh()
        self._tab_parts: dict[str, tuple[ft.Text, ft.Text, ft.Container]] = {}

    # -- building ---------------------------------------------------------------------

    def build(self) -> ft.Control:
        t = self.app.t
        self.sync_text = ft.Text(value="", size=13, max_lines=3, overflow=ft.TextOverflow.ELLIPSIS)
        self.sync_error = ft.Text(
            value="",
            size=13,
            color=ft.Colors.RED_800,
            visible=False,
            max_lines=2,
            overflow=ft.TextOverflow.ELLIPSIS,
        )
        sync_button = tagged(
            ft.TextButton(
                content=t("home.sync_now"), icon=ft.Icons.SYNC, on_click=self._sync_now, height=TOUCH
            ),
            "sync-now",
        )
        sync_bar = ft.Container(
            content=ft.Row(
                controls=[
                    ft.Column(
                        controls=[tagged(self.sync_text, "sync-status"), self.sync_error],
                        spacing=2,
                        expand=True,
                    ),
                    sync_button,
                ],
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            padding=ft.Padding.symmetric(horizontal=12, vertical=4),
            bgcolor=ft.Colors.SURFACE_CONTAINER,
        )
        self.tabs = ft.Row(controls=[], spacing=0)
        self.list = ft.Column(controls=[], spacing=8)
        self.list_tag = ft.Semantics(content=self.list, identifier="list")
        self.questions = ft.Container(visible=False)  # the banner: questions waiting for an answer
        self._fill_sync_bar()
        self._fill_tabs()
        self._fill_list()
        frame = screen(
            title=t("home.title"),
            header_extra=[sync_bar, ft.Container(content=self.tabs, bgcolor=ft.Colors.SURFACE_CONTAINER_LOW)],
            body=[self.questions, self.list_tag, ft.Container(height=72)],  # room so the button never hides the last row
            trailing=[
                icon_button(ft.Icons.LOCK, t("home.lock"), "lock-now", self._lock),
                icon_button(ft.Icons.SETTINGS, t("home.settings"), "open-settings", self._settings),
            ],
        )
        new_button = tagged(
            ft.FloatingActionButton(
                icon=ft.Icons.ADD, content=t("home.new_observation"), on_click=self._new, height=56
            ),
            "new-observation",
        )
        return ft.Stack(
            # bottom-end corner: the right in English, the left in Arabic
            controls=[
                frame,
                ft.Container(
                    content=new_button,
                    bottom=16,
                    left=16 if self.app.tr.rtl else None,
                    right=None if self.app.tr.rtl else 16,
                ),
            ],
            expand=True,
        )

    def _fill_sync_bar(self) -> None:
        sync = self.app.sync
        status = sync.status if sync is not None else None
        normal: list[str] = []
        errors: list[str] = []
        for part in sync_bar_parts(status, pending=self.state.counts.get("pending")):
            (errors if part.is_error else normal).append(part.text(self.app.t))
        self.sync_text.value = " · ".join(normal)
        self.sync_error.value = " · ".join(errors)
        self.sync_error.visible = bool(errors)

    def _fill_tabs(self) -> None:
        """Tabs are built once and then updated in place: rebuilding them on every sync
        report would swap the controls under a finger (or a test) about to tap them."""
        t = self.app.t
        if not self.tabs.controls:
            for tab in TABS:
                name = ft.Text(value=t(f"tab.{tab}"), size=13, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS)
                count = ft.Text(value="", size=12)
                button = ft.Container(
                    content=ft.Column(
                        controls=[name, count], spacing=0, horizontal_alignment=ft.CrossAxisAlignment.CENTER
                    ),
                    alignment=ft.Alignment.CENTER,
                    height=TOUCH + 8,
                    on_click=lambda _e, tab=tab: self._select(tab),
                    ink=True,
                )
                self._tab_parts[tab] = (name, count, button)
                self.tabs.controls.append(ft.Container(content=tagged(button, f"tab-{tab}"), expand=True))
        for tab, (name, count, button) in self._tab_parts.items():
            selected = tab == self.state.tab
            name.weight = ft.FontWeight.BOLD if selected else None
            count.value = str(self.state.counts.get(tab, 0))
            if tab == "reviewed" and self.state.open_questions:  # the badge: questions wait here
                count.value += f" · {self.app.t('home.badge.question')} {self.state.open_questions}"
                count.color = ft.Colors.DEEP_ORANGE_800
            else:
                count.color = None
            colour = ft.Colors.PRIMARY if selected else ft.Colors.TRANSPARENT
            button.border = ft.Border.only(bottom=ft.BorderSide(width=3, color=colour))

    def _fill_questions(self) -> None:
        """The banner while a verifier's question waits: a tap shows them under Reviewed."""
        count = self.state.open_questions
        self.questions.visible = count > 0
        self.questions.content = tagged(
            ft.Container(
                content=ft.Row(
                    controls=[
                        ft.Icon(icon=ft.Icons.QUESTION_ANSWER_OUTLINED, color=ft.Colors.DEEP_ORANGE_800),
                        ft.Text(value=self.app.t("home.questions_banner", count=count), expand=True),
                    ],
                ),
                bgcolor=ft.Colors.ORANGE_50,
                border=ft.Border.all(width=1, color=ft.Colors.ORANGE_300),
                border_radius=8,
                padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                height=None,
                on_click=lambda _e: self._select("reviewed"),
                ink=True,
            ),
            "questions-banner",
        )

    def _fill_list(self) -> None:
        t = self.app.t
        self._fill_questions()
        rows: list[ft.Control] = [self._row(item) for item in self.state.items]
        if not rows:
            rows.append(
                tagged(
                    ft.Text(value=t(f"home.empty.{self.state.tab}"), color=ft.Colors.ON_SURFACE_VARIANT),
                    "list-empty",
                )
            )
        if self.state.has_more:
            rows.append(secondary_button(t("home.load_more"), "load-more", self._load_more))
        self.list.controls = rows
        self.list_tag.identifier = f"list-{self.state.tab}"

    def _row(self, item: RecordView) -> ft.Control:
        record = item.record or {}
        t = self.app.t
        shown = self.app.tr.shown
        place = place_text(record, self.app.tr.language)
        title = shown(record.get("description") or place or kind_label(self.app, item.kind))
        when = short_time(record.get("observed_at"))
        what = " · ".join(part for part in (kind_label(self.app, item.kind), shown(place or "")) if part)
        state_key = self.state.state_key(item)
        chip = ft.Container(
            content=ft.Text(value=t(state_key), size=12, color=ft.Colors.WHITE, no_wrap=True),
            bgcolor=STATE_COLOURS.get(state_key.removeprefix("state."), ft.Colors.GREY_700),
            padding=ft.Padding.symmetric(horizontal=8, vertical=2),
            border_radius=10,
        )
        extra: list[ft.Control] = []
        badge = self.state.badge(item)
        if badge is not None:
            extra.append(
                tagged(
                    ft.Row(
                        controls=[
                            ft.Icon(
                                icon=ft.Icons.QUESTION_ANSWER if badge == "question" else ft.Icons.MARK_CHAT_READ,
                                size=16,
                                color=ft.Colors.DEEP_ORANGE_800 if badge == "question" else ft.Colors.TEAL_700,
                            ),
                            ft.Text(value=t(f"home.badge.{badge}"), size=13, weight=ft.FontWeight.W_600),
                        ],
                        spacing=4,
                    ),
                    f"record-badge-{item.id}",
                )
            )
        if item.message:
            extra.append(
                ft.Text(
                    value=t("home.verifier_says", message=item.message),  # isolated by t()
                    size=13,
                    color=ft.Colors.DEEP_ORANGE_800,
                    max_lines=2,
                    overflow=ft.TextOverflow.ELLIPSIS,
                )
            )
        pending_photos = self.state.photos_pending.get(item.id)
        if pending_photos:
            extra.append(
                tagged(
                    ft.Text(
                        value=t("home.photos_pending", count=pending_photos),
                        size=13,
                        color=ft.Colors.AMBER_900,
                    ),
                    f"record-photos-{item.id}",
                )
            )
        if item.delivery_error:
            extra.append(
                ft.Text(
                    value=t("home.delivery_error", reason=item.delivery_error),
                    size=13,
                    color=ft.Colors.RED_800,
                    max_lines=2,
                    overflow=ft.TextOverflow.ELLIPSIS,
                )
            )
        card = ft.Container(
            content=ft.Column(
                controls=[
                    ft.Row(
                        controls=[
                            ft.Text(
                                value=title,
                                weight=ft.FontWeight.W_600,
                                expand=True,
                                max_lines=1,
                                overflow=ft.TextOverflow.ELLIPSIS,
                            ),
                            chip,
                        ]
                    ),
                    # A long place name gives way: the observation's time always shows.
                    ft.Row(
                        controls=[
                            ft.Text(
                                value=what,
                                size=13,
                                color=ft.Colors.ON_SURFACE_VARIANT,
                                max_lines=1,
                                overflow=ft.TextOverflow.ELLIPSIS,
                                expand=True,
                            ),
                            tagged(
                                ft.Text(value=ltr(when), size=13, color=ft.Colors.ON_SURFACE_VARIANT, no_wrap=True),
                                f"record-time-{item.id}",
                            ),
                        ],
                        spacing=8,
                    ),
                    *extra,
                ],
                spacing=4,
            ),
            padding=12,
            border_radius=8,
            bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
            on_click=lambda _e, record_id=item.id: self._open(record_id),
            ink=True,
        )
        return tagged(card, f"record-{item.id}")

    # -- actions ------------------------------------------------------------------------

    def _select(self, tab: str) -> None:
        with self.app.guard():
            self.state.select(tab)
            self._fill_tabs()
            self._fill_list()

    def _load_more(self, _event: ft.Event[ft.OutlinedButton]) -> None:
        with self.app.guard():
            self.state.load_more()
            self._fill_list()

    def _sync_now(self, _event: ft.Event[ft.TextButton]) -> None:
        with self.app.guard():
            self.app.sync_now(answer=True)  # the run's outcome is said when it ends

    def _new(self, _event: ft.Event[ft.FloatingActionButton]) -> None:
        with self.app.guard():
            self.app.show_form()

    def _open(self, record_id: str) -> None:
        with self.app.guard():
            self.app.show_detail(record_id)

    def _lock(self, _event: ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            self.app.lock()

    def _settings(self, _event: ft.Event[ft.IconButton]) -> None:
        with self.app.guard():
            self.app.show_settings()

    def sync_changed(self) -> None:
        """The sync loop reported: redraw the bar, and the list (states may have moved)."""
        # Runs on the page's loop, like tap handlers (Flet calls sync handlers there too),
        # so the two never interleave. Not the observer's doing: no activity for auto-lock.
        with self.app.guard(activity=False):
            if self.app.sync is None or not self.app.sync.running:
                self.state.refresh()
                self._fill_tabs()
                self._fill_list()
            self._fill_sync_bar()
            self.app.page.update()
