"""The report page's "Signature, chain and hashes" section: what proves the report came intact
from its device (signature, chain link or fork, hashes, timing) and the evidence-package button.
Collapsed by default while everything checks out (docs/console.md, "The report page")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from ..state import CHAIN_TEXT, short_time
from .widgets import FIELD_ROW_SIDE_BY_SIDE, card, field_row, tagged, touch

Handler = Callable[[ft.Event], Awaitable[None]]


def integrity_card(
    d: dict[str, Any],
    *,
    on_evidence: Handler,
    open_report: Callable[[str], Handler],
    expanded: bool | None = None,
    on_toggle: Callable[[ft.Event], Any] | None = None,
) -> ft.Control:
    """Signature, chain (forks named), device, hashes, timing, and the evidence-package button,
    in a section that opens on a click. It is collapsed while the proof checks out (its title
    line still says "signature valid, chain valid", and any timing warning), and open from the
    start when it does not, so a broken signature, a gap, a fork or a revoked device is never
    folded away.
    `expanded`: the verifier's own choice on this page so far (None: not chosen yet)."""
    signature = d.get("signature") or {}
    sig_ok = bool(signature.get("valid")) and signature.get("body_hash_matches", True)
    sig_text = "valid" if sig_ok else "INVALID: the bytes or the signature do not match"
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
        tagged(status_row("Signature", sig_text, sig_ok), "signature-detail"),
        tagged(status_row("Chain", chain_text, chain_text == "valid"), "chain-detail"),
        field_row("Device", f"{d.get('device_label') or ''} {d.get('device_id', '')}".strip()),
        field_row("Device revoked", bool(d.get("device_revoked"))),
        field_row("Sequence", d.get("seq")),
        field_row("Previous hash", (d.get("record") or {}).get("prev_hash")),
        tagged(field_row("Body hash", d.get("body_hash")), "body-hash"),
        field_row("Record id", d.get("record_id")),
        field_row("Recorded (device clock)", short_time((d.get("record") or {}).get("recorded_at"))),
        field_row("Received", short_time(d.get("received_at"))),
        *fork_rows(d.get("fork"), open_report),
    ]
    timing = None
    if skew.get("flagged"):
        seconds = skew.get("seconds") or 0
        timing = (
            f"received {duration(seconds)} after it was recorded (long offline, or the clock is behind)"
            if seconds >= 0
            else f"the device clock was {duration(seconds)} ahead of the server's"
        )
        rows.append(status_row("Timing", timing, False))

    rows.append(
        tagged(
            touch(
                ft.OutlinedButton(
                    content="Evidence package",
                    icon=ft.Icons.VERIFIED_USER,
                    on_click=on_evidence,
                    tooltip="A zip anyone can check offline with `fieldapp verify`",
                )
            ),
            "evidence-download",
        )
    )
    # Opened from the start when the proof itself fails; a late arrival or a clock that was off
    # is said on the title line (often just a team long offline) without unfolding everything.
    all_good = sig_ok and chain_text == "valid" and not d.get("device_revoked")
    verdicts: list[ft.Control] = [
        tagged(_verdict(f"Signature {sig_text}", sig_ok), "signature-status"),
        tagged(_verdict(f"chain {chain_text}", chain_text == "valid"), "chain-status"),
    ]
    if d.get("device_revoked"):
        verdicts.append(_verdict("device revoked", False))
    if timing:
        verdicts.append(tagged(_verdict(timing, False), "timing-status"))
    summary = ft.Row(
        verdicts,
        wrap=True,
        spacing=12,
    )
    tile = ft.ExpansionTile(
        title=ft.Text("Signature, chain and hashes", weight=ft.FontWeight.BOLD, size=15),
        subtitle=summary,
        controls=[ft.Column(rows, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)],
        expanded=(not all_good) if expanded is None else expanded,
        on_change=on_toggle,
        controls_padding=ft.Padding.only(left=14, right=14, bottom=14),
        tile_padding=ft.Padding.symmetric(horizontal=12),
        min_tile_height=56,
        expanded_cross_axis_alignment=ft.CrossAxisAlignment.STRETCH,
    )
    return tagged(card(tagged(tile, "integrity-toggle"), padding=0), "integrity")


def _verdict(text: str, good: bool) -> ft.Control:
    return ft.Text(
        text,
        color=ft.Colors.GREEN_800 if good else ft.Colors.RED_800,
        weight=ft.FontWeight.BOLD,
        size=13,
    )


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
    return ft.ResponsiveRow(
        [
            ft.Text(name, color=ft.Colors.BLUE_GREY_700, size=13, col={"xs": 12, FIELD_ROW_SIDE_BY_SIDE: 3}),
            ft.Row(
                [
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
                col={"xs": 12, FIELD_ROW_SIDE_BY_SIDE: 9},
            ),
        ],
        spacing=8,
        run_spacing=0,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 60:.0f} min"
