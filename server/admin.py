"""Administrator tasks behind `fieldapp admin ...` (and the test helpers), on a settings object."""

import json
import os
from pathlib import Path

from pydantic import ValidationError

from sync.wire import Bundle, ItemResult

from . import accounts, enrollment, exports, ingest
from .clock import Clock, utc_now
from .context import opened
from .errors import InvalidInput, ServerError
from .inflate import InflatedTooLarge, NotGzip, gunzip_bounded
from .keys import SEAL_KEY_FILE, SIGN_KEY_FILE
from .report_filters import ReportFilters
from .settings import MIB, Settings


class NoServerHere(ServerError):
    """There is no FieldApp server in this data directory: `fieldapp admin init` makes one."""


class ServerAlreadyHere(ServerError):
    """This data directory already holds a FieldApp server; nothing changed."""


def server_exists(settings: Settings) -> bool:
    """A server lives in `settings.data_dir` once its two key files are there (its first
    start, `serve` or `admin init`, makes them); for SQLite its database file too."""
    keys = settings.data_dir / "keys"
    if not ((keys / SEAL_KEY_FILE).is_file() and (keys / SIGN_KEY_FILE).is_file()):
        return False
    return not settings.is_sqlite or Path(settings.database_url.removeprefix("sqlite:///")).is_file()


def init_server(settings: Settings, *, clock: Clock = utc_now) -> None:
    """Make a new server in `settings.data_dir`: keys and the newest schema (`ServerAlreadyHere`
    if one is there: an administrator who runs init twice keeps the server they had)."""
    if server_exists(settings):
        raise ServerAlreadyHere(f"{settings.data_dir} already holds a FieldApp server; nothing changed")
    with opened(settings, clock=clock):
        pass


def create_user(
    settings: Settings, *, username: str, password: str, role: str, clock: Clock = utc_now
) -> None:
    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        accounts.create_user(
            session, settings, clock=ctx.clock, username=username, password=password, role=role
        )


def create_enrollment_code(
    settings: Settings,
    *,
    label: str | None = None,
    expires_hours: float | None = None,
    clock: Clock = utc_now,
) -> str:
    """A one-time code; `expires_hours` defaults to `settings.enrollment_code_ttl`."""
    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        code, _row = enrollment.create_code(
            session,
            clock=ctx.clock,
            label=label,
            expires_hours=expires_hours,
            default_ttl=settings.enrollment_code_ttl,
        )
    return code


def read_bundle(path: Path, *, limit: int) -> Bundle:
    """A bundle file (JSON, optionally gzip-compressed), validated; at most `limit` bytes of
    JSON, the bound `POST /bundles` has (a file inflating past it is refused as it inflates)."""
    mib = f"{limit / MIB:g} MiB"
    try:
        with open(path, "rb") as handle:
            if handle.read(2) != b"\x1f\x8b":
                if os.fstat(handle.fileno()).st_size > limit:
                    raise InvalidInput(f"{path} is over {mib}: more than a bundle may hold")
                handle.seek(0)
                raw = handle.read()
            else:
                handle.seek(0)
                raw = gunzip_bounded(iter(lambda: handle.read(64 * 1024), b""), limit)
    except InflatedTooLarge as exc:
        raise InvalidInput(
            f"{path} is over {mib} once decompressed: not a bundle this server accepts"
        ) from exc
    except NotGzip as exc:
        raise InvalidInput(f"{path} is not a valid gzip file") from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return Bundle.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise InvalidInput(f"{path} is not a FieldApp bundle ({where}: {first['msg']})") from exc
    except json.JSONDecodeError as exc:  # pragma: no cover - pydantic reports JSON errors itself
        raise InvalidInput(f"{path} is not JSON") from exc


def import_bundle(settings: Settings, path: Path, *, clock: Clock = utc_now) -> list[ItemResult]:
    bundle = read_bundle(path, limit=settings.max_bundle_bytes)
    with opened(settings, clock=clock) as ctx:
        return ingest.import_bundle(
            bundle, session_factory=ctx.session_factory, keys=ctx.keys, clock=ctx.clock, pool=ctx.pool
        )


def export(settings: Settings, *, fmt: str, state: str | None = None, clock: Clock = utc_now) -> str:
    """The export as text, exactly as the API serves it."""
    filters = ReportFilters(state=state)
    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        if fmt == "geojson":
            return json.dumps(exports.geojson(session, filters), ensure_ascii=False)
        if fmt == "csv":
            return exports.csv_text(session, filters)
    raise InvalidInput("format must be geojson or csv")


def export_zip(settings: Settings, out: Path, *, state: str | None = None, clock: Clock = utc_now) -> int:
    """The GeoJSON and every arrived photo (under its SHA-256) in one zip, written atomically.

    Returns the number of photos written.
    """
    import os

    filters = ReportFilters(state=state)
    temp = out.with_name(f".{out.name}.tmp")
    try:
        with opened(settings, clock=clock) as ctx, ctx.transaction() as session, open(temp, "wb") as handle:
            count = exports.write_zip(session, filters, ctx.attachments, handle)
        os.replace(temp, out)  # never a half-written export
    finally:
        temp.unlink(missing_ok=True)
    return count


def evidence_package(settings: Settings, record_id: str, out: Path, *, clock: Clock = utc_now) -> int:
    """Write a report's evidence package to `out` (atomically); returns its size in bytes."""
    import os

    from .evidence import build_package

    with opened(settings, clock=clock) as ctx, ctx.transaction() as session:
        data = build_package(
            session,
            record_id,
            keys=ctx.keys,
            store=ctx.attachments,
            now=ctx.clock(),
            actor="fieldapp admin evidence",
        )
    temp = out.with_name(f".{out.name}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, out)  # never a half-written package
    finally:
        temp.unlink(missing_ok=True)
    return len(data)
