"""Server settings: read from the command line and the environment in exactly one place."""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

DATA_DIR_ENV = "FIELDAPP_SERVER_DATA_DIR"
LOCK_IDLE_ENV = "FIELDAPP_LOCK_IDLE_MINUTES"
DATABASE_URL_ENV = "FIELDAPP_DATABASE_URL"
ATTACHMENTS_URL_ENV = "FIELDAPP_ATTACHMENTS_URL"
CONSOLE_GRACE_ENV = "FIELDAPP_CONSOLE_SESSION_GRACE"  # seconds
MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` and the admin commands need to know."""

    data_dir: Path
    database_url: str
    max_body_bytes: int = 8 * MIB  # after decompression; 413 above
    max_bundle_bytes: int = 64 * MIB  # a bundle, after decompression: POST /bundles and import-bundle
    token_ttl: timedelta = timedelta(hours=12)  # verifier/admin sessions
    # A reviewer lock lapses this long after the verifier's last activity on the report (taking
    # or renewing it; the console renews it while the verifier works): FIELDAPP_LOCK_IDLE_MINUTES.
    lock_idle: timedelta = timedelta(minutes=10)
    clock_skew_flag: timedelta = timedelta(minutes=10)  # recorded_at vs received_at
    enrollment_code_ttl: timedelta = timedelta(hours=24)
    password_scrypt_n: int = 2**15
    # Failed sign-ins (server/login_throttle.py): free attempts per account and per client
    # address, then a lock of login_lock_base doubling per further failure, at most
    # login_lock_max; failures are forgotten login_failure_memory after the last one.
    login_free_failures: int = 5
    login_free_failures_per_address: int = 20  # many verifiers may share an office's address
    login_lock_base: timedelta = timedelta(seconds=15)
    login_lock_max: timedelta = timedelta(hours=1)
    login_failure_memory: timedelta = timedelta(hours=24)
    console: bool = True  # serve the verifiers' console (server/console) at /console
    # A console tab that closed (or lost its network) keeps its session and sign-in token this
    # long for a reconnect; then both end (within 10 s more: Flet checks every 10 s).
    console_session_grace: timedelta = timedelta(seconds=30)
    # Photos: None keeps them under data_dir/attachments; s3://bucket/prefix puts them on the
    # S3 API (endpoint, region and credentials from the AWS environment; docs/deploy.md).
    attachments_url: str | None = None

    @classmethod
    def resolve(
        cls,
        *,
        data_dir: Path | None = None,
        database_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides,
    ) -> "Settings":
        """Arguments first, then FIELDAPP_SERVER_DATA_DIR / FIELDAPP_DATABASE_URL /
        FIELDAPP_ATTACHMENTS_URL / FIELDAPP_CONSOLE_SESSION_GRACE, then defaults."""
        environ = os.environ if environ is None else environ
        if data_dir is None:
            data_dir = Path(environ[DATA_DIR_ENV]) if environ.get(DATA_DIR_ENV) else default_data_dir(environ)
        data_dir = Path(data_dir).expanduser().resolve()
        database_url = database_url or environ.get(DATABASE_URL_ENV) or sqlite_url(data_dir / "server.db")
        overrides.setdefault("attachments_url", environ.get(ATTACHMENTS_URL_ENV) or None)
        if environ.get(LOCK_IDLE_ENV):
            overrides.setdefault("lock_idle", _duration(LOCK_IDLE_ENV, environ[LOCK_IDLE_ENV], "minutes", 0.1, 24 * 60))
        if environ.get(CONSOLE_GRACE_ENV):
            overrides.setdefault(
                "console_session_grace", _duration(CONSOLE_GRACE_ENV, environ[CONSOLE_GRACE_ENV], "seconds", 1, 24 * 3600)
            )
        return cls(data_dir=data_dir, database_url=database_url, **overrides)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _duration(name: str, text: str, unit: str, low: float, high: float) -> timedelta:
    """A duration from an environment variable, in `unit` ("minutes", "seconds"), within [low, high]."""
    from .errors import ConfigurationError

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also refuses nan and inf
        raise ConfigurationError(f"{name} must be a number of {unit} from {low:g} to {high:g}, not {text!r}")
    return timedelta(**{unit: value})


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """The platform's per-user data directory (no platformdirs dependency for three cases)."""
    home = Path(environ.get("HOME") or Path.home())
    if sys.platform == "win32":
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "FieldApp" / "Server"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "FieldApp Server"
    base = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "fieldapp-server"
