"""A real FieldApp server on loopback, for integration, sync and browser tests.

    with live_server(tmp_path / "srv") as base_url:          # SQLite file in the data dir
        code = create_enrollment_code(tmp_path / "srv")
        create_user(tmp_path / "srv", "vera", "a long password", "verifier")
        httpx.get(f"{base_url}/api/v1/health")

`live_server(data_dir, database_url=None, *, port=None, env=None, timeout=60.0, workers=1)`
starts the server through the server side's one launcher (`server.launcher.start_server`, which
`fieldapp demo` uses too: `python -m server serve --host 127.0.0.1 --port P --data-dir D
[--database-url U] --workers 1`) on a free port unless given, waits until `GET /api/v1/health`
answers, yields
`http://127.0.0.1:P`, and stops the process (SIGTERM, then SIGKILL) on exit. The server's
output goes to `data_dir/server.log` (its end is in the error if it fails to start).

`create_enrollment_code(data_dir, database_url=None, *, label=None, expires_hours=None) -> str`
and `create_user(data_dir, username, password, role, database_url=None)` call the same admin
functions as `fieldapp admin ...`, in this process (migrating the database first, so they also
work before the server has started).

The server side may run on another Python than the tests: the phone-floor job's venv holds
only the observer side (the phone's versions), so it sets `FIELDAPP_TEST_SERVER_PYTHON` to the
main venv's Python. Then the server and `server_command(...)` (`python -m server ARGS`, for
every `admin` verb) run there, and the two admin helpers go through `admin` in that Python
instead of this process. The device side under test stays in this process, as on a phone talking to a server.
"""

import contextlib
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

from server import launcher

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_PYTHON_ENV = "FIELDAPP_TEST_SERVER_PYTHON"


def server_python() -> str | None:
    """The other Python that runs the server side, or None when it runs on this one."""
    return os.environ.get(SERVER_PYTHON_ENV) or None


def server_command(*args: str) -> list[str]:
    """`python -m server ARGS` for a server verb (`serve`, `admin ...`), on the server's Python."""
    return launcher.server_command(*args, python=server_python())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_live_server(
    data_dir: Path | str,
    database_url: str | None = None,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,  # generous: a loaded 2-core CI machine can take 30 s to start one
    stderr_path: Path | None = None,
    workers: int | None = 1,
    console: bool = False,
) -> launcher.ServerProcess:
    """A started server (the caller stops it, or kills it: `.process`); RuntimeError with the
    end of its log if it does not come up. `stderr_path`: as for `launcher.start_server`; one
    worker process unless `workers` says otherwise (None: the server's default, the cores).
    The API alone (`serve --no-console`) unless `console=True`: the console is a process of its
    own that most tests never reach, and starting it is a good part of a server's start."""
    # A free port is free when asked, not always when the server binds it: another worker's
    # server, or any outgoing connection (they take ports from the same range), can get it
    # in between. A port this helper picked is picked again then; a port the test named is not.
    attempts = 1 if port else 3
    for attempt in range(1, attempts + 1):
        try:
            return launcher.start_server(
                data_dir,
                port=port or free_port(),
                database_url=database_url,
                python=server_python(),
                environ={**os.environ, **(env or {})},
                cwd=REPO_ROOT,
                timeout=timeout,
                stderr_path=stderr_path,
                workers=workers,
                console=console,
            )
        except launcher.ServerNotStarted as exc:
            if "address already in use" not in exc.log_tail or attempt == attempts:
                raise RuntimeError(f"{exc}:\n{exc.log_tail}") from None
    raise AssertionError("unreachable: the last attempt returns or raises")


@contextlib.contextmanager
def live_server(data_dir: Path | str, database_url: str | None = None, **options) -> Iterator[str]:
    """Run the server on 127.0.0.1 and yield its base URL; always stop it afterwards (`options`:
    `port`, `env`, `timeout`, `workers`, `console`, as for `start_live_server`)."""
    with live_server_process(data_dir, database_url, **options) as (base_url, _process):
        yield base_url


@contextlib.contextmanager
def live_server_process(
    data_dir: Path | str, database_url: str | None = None, **options
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`live_server`, also yielding the process (for tests that kill it)."""
    server = start_live_server(data_dir, database_url, **options)
    try:
        yield server.base_url, server.process
    finally:
        server.stop()


def _settings(data_dir: Path | str, database_url: str | None):
    from server.settings import Settings

    return Settings.resolve(data_dir=Path(data_dir), database_url=database_url, environ={})


def create_enrollment_code(
    data_dir: Path | str,
    database_url: str | None = None,
    *,
    label: str | None = None,
    expires_hours: float | None = None,
) -> str:
    """A fresh one-time enrolment code (what `fieldapp admin enrollment-code` prints)."""
    if server_python():
        hours = ["--expires-hours", str(expires_hours)] if expires_hours is not None else []
        args = [*hours, *(["--label", label] if label else [])]
        return _admin(data_dir, database_url, "enrollment-code", *args).strip()
    from server import admin

    settings = _settings(data_dir, database_url)
    return admin.create_enrollment_code(settings, label=label, expires_hours=expires_hours)


def create_user(
    data_dir: Path | str, username: str, password: str, role: str, database_url: str | None = None
) -> None:
    """A verifier or admin account (what `fieldapp admin create-user` makes)."""
    if server_python():
        args = ("create-user", "--username", username, "--role", role)
        _admin(data_dir, database_url, *args, env={"FIELDAPP_NEW_PASSWORD": password})
        return
    from server import admin

    admin.create_user(_settings(data_dir, database_url), username=username, password=password, role=role)


def _admin(
    data_dir: Path | str, database_url: str | None, *args: str, env: dict[str, str] | None = None
) -> str:
    """`admin ARGS` on the server's Python; its standard output (raises on failure).

    Like the in-process helpers it works before the server's first start: the admin verbs act
    on an existing server only, so a data dir without keys is made a server first (`admin init`).
    """
    if args[0] != "init" and not (Path(data_dir) / "keys").is_dir():
        _admin(data_dir, database_url, "init")
    command = server_command("admin", *args, "--data-dir", str(data_dir))
    command += ["--database-url", database_url] if database_url else []
    process_env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_DATABASE_URL"}
    done = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env={**process_env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout
