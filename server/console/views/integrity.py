"""The report page's "Signature and chain" card: what proves the report came intact from its
device (signature, chain link or fork, hashes, timing) and the evidence-package button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from ..state import CHAIN_TEXT, short_time
from .widgets import card, field_row, tagged

Handler = Callable[[ft.Event], Awaitable[None]]


def integrity_card(
    d: dict[str, Any], *, on_evidence: Handler, open_report: Callable[[str], Handler]
) -> ft.Control:
    """Signature, chain (forks named), device, hashes, timing, and the evidence-package button."""
    signature = d.get("signature") or {}
    sig_ok = bool(signature.get("valid")) and signature.get("body_hash_matches", True)
    chain = d.get("chain") or {}
    chain_text = CHAIN_TEXT.get(chain.get("status", d.get("chain_status", "")), "unknown")
    if chain.get("status") == "gap" and chain.get("missing_before"):
        chain_text += f" ({chain['missing_before']} missing)"
    if chain.get("status") == "fork":
        chain_text = (
            "FORK: this device signed another record for the same place in its chain "
            "(a cloned phone, a tampered app or a stolen key); both are kept as evidence"
        )
    skew = d.get("clock_skew") or {}
    rows = [
        tagged(
            status_row(
                "Signature",
                "valid" if sig_ok else "INVALID: the bytes or the signature do not match",
                sig_ok,
            ),
            "signature-status",
        ),
        tagged(status_row("Chain", chain_text, chain_text == "valid"), "chain-status"),
        field_row("Device", f"{d.get('device_label') or ''} {d.get('device_id', '')}".strip()),
        field_row("Device revoked", bool(d.get("device_revoked"))),
        field_row("Sequence", d.get("seq")),
        field_row("Previous hash", (d.get("record") or {}).get("prev_hash")),
        field_row("Body hash", d.get("body_hash")),
        field_row("Received", short_time(d.get("received_at"))),
        *fork_rows(d.get("fork"), open_report),
    ]
    if skew.get("flagged"):
        seconds = skew.get("seconds") or 0
        text = (
            f"received {duration(seconds)} after it was recorded (long offline, or the clock is behind)"
            if seconds >= 0
            else f"the device clock was {duration(seconds)} ahead of the server's"
        )
        rows.append(status_row("Timing", text, False))

    rows.append(
        tagged(
            ft.OutlinedButton(
                content="Evidence package",
                icon=ft.Icons.VERIFIED_USER,
                on_click=on_evidence,
                tooltip="A zip anyone can check offline with `fieldapp verify`",
            ),
            "evidence-download",
        )
    )
    return card(ft.Text("Signature and chain", weight=ft.FontWeight.BOLD), *rows)


def fork_rows(fork: dict[str, Any] | None, open_report: Callable[[str], Handler]) -> list[ft.Control]:
    if not fork:
        return []
    rows: list[ft.Control] = [
        ft.Row(
            [
                ft.Text("Forked with", color=ft.Colors.RED_800),
                tagged(ft.TextButton(content=other, on_click=open_report(other)), f"fork-{other}"),
            ]
        )
        for other in fork.get("records") or []
    ]
    for version in fork.get("other_versions") or []:
        rows.append(
            field_row(
                "Other signed version",
                f"{version.get('body_hash')} (refused {short_time(version.get('received_at'))})",
            )
        )
    return rows


def status_row(name: str, text: str, good: bool) -> ft.Control:
    return ft.Row(
        [
            ft.Container(ft.Text(name, color=ft.Colors.BLUE_GREY_700, size=13), width=170),
            ft.Icon(
                ft.Icons.CHECK_CIRCLE if good else ft.Icons.WARNING,
                color=ft.Colors.GREEN_700 if good else ft.Colors.RED_700,
                size=18,
            ),
            ft.Text(
                text,
                color=ft.Colors.GREEN_800 if good else ft.Colors.RED_800,
                weight=ft.FontWeight.BOLD,
                expand=True,
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 60:.0f} min"
