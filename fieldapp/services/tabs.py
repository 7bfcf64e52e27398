"""The app's list tabs as sets of device states (docs/ARCHITECTURE.md, "Device states")."""

TABS: dict[str, tuple[str, ...]] = {
    "drafts": ("draft",),
    "pending": ("queued",),
    "sent": ("sent", "received"),
    "reviewed": ("needs_info", "verified", "unverifiable", "rejected"),
}
