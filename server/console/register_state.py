"""The registers page's state (administrators): one register's entries, and the actions on
them — import a file's text, edit an entry's names, retire or restore (never delete)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import ConsoleApi

REGISTERS = ("units", "camps", "storage_sites", "crossings", "lines_and_areas", "obligations")
# What an edit sends back: the entry as listed, without what the server assigns.
SERVER_FIELDS = ("version", "register_name")


@dataclass
class RegisterAdminState:
    register: str = "camps"
    entries: list[dict[str, Any]] = field(default_factory=list)
    notice: str = ""

    async def load(self, api: ConsoleApi) -> None:
        self.entries = await api.register_entries(self.register)

    def choose(self, register: str | None) -> None:
        if register in REGISTERS:
            self.register = register
            self.notice = ""

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        return next((e for e in self.entries if e["id"] == entry_id), None)

    async def import_text(self, api: ConsoleApi, fmt: str, content: str) -> None:
        """A pasted CSV or GeoJSON file: all or nothing (the error names every bad row)."""
        result = await api.import_register(self.register, fmt, content)
        self.notice = (
            f"Imported: {len(result['added'])} added, {len(result['changed'])} changed, "
            f"{len(result['unchanged'])} unchanged."
        )
        await self.load(api)

    async def rename(self, api: ConsoleApi, entry_id: str, name_en: str, name_ar: str) -> None:
        """New names for an entry (a new signed version; records keep the name they showed)."""
        current = self.entry(entry_id)
        if current is None:
            self.notice = f"No entry {entry_id} in {self.register}."
            return
        edited = {k: v for k, v in current.items() if k not in SERVER_FIELDS and v is not None}
        edited.update(name_en=name_en.strip(), name_ar=name_ar.strip())
        result = await api.put_entries(self.register, [edited])
        self.notice = f"Saved {entry_id}." if result["changed"] else f"{entry_id}: nothing changed."
        await self.load(api)

    async def set_retired(self, api: ConsoleApi, entry_id: str, retired: bool) -> None:
        await api.retire_entry(self.register, entry_id, retired)
        self.notice = f"{'Retired' if retired else 'Restored'} {entry_id}."
        await self.load(api)
