"""`fieldapp admin registers ...` and the demo's seed, on a settings object."""

import json
from datetime import date
from pathlib import Path

from ..clock import Clock, utc_now
from ..context import opened
from ..errors import InvalidInput
from ..settings import Settings
from . import files, sample, service, store

CLI_ACTOR = "cli"


def import_register_file(
    settings: Settings, register: str, path: Path, *, fmt: str | None = None, clock: Clock = utc_now
) -> store.ImportResult:
    """A CSV or GeoJSON file (format from the name unless given) into a register, all or nothing."""
    store.check_register(register)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text") from None
    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        return service.import_file(
            session, register, text, fmt=fmt or files.guess_format(path.name), keys=ctx.keys, clock=ctx.clock,
            actor=CLI_ACTOR,
        )


def export_register(settings: Settings, register: str, *, fmt: str, clock: Clock = utc_now) -> str:
    store.check_register(register)
    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        entries = store.list_entries(session, register)
    if fmt == "csv":
        return files.to_csv(register, entries)
    return json.dumps(files.to_geojson(entries), ensure_ascii=False, indent=1) + "\n"


def seed_sample(settings: Settings, *, signed_on: date, clock: Clock = utc_now) -> int:
    """Load the sample register (server/registers/sample.py); returns how many entries it holds."""
    count = 0
    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        for register, entries in sample.sample(signed_on):
            store.put_entries(session, register, enumerate(entries, start=1), keys=ctx.keys, clock=ctx.clock,
                              actor=CLI_ACTOR)
            count += len(entries)
    return count
