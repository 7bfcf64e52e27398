"""Start a FieldApp server as a child process on loopback, wait until it answers, stop it.

The one way a server process is launched: `fieldapp demo` and the tests' live servers
(tests/support/live_server.py) both come here. The child runs `python -m server serve`
(the server's own verbs, server/cli.py), not `fieldapp serve`, so it starts the same way
whether or not the `fieldapp` command's entry points are installed.

Only the standard library and httpx at module level: the live-server helper imports this in
the phone-floor venv, which holds no server packages and runs the server on another Python.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from .errors import ServerError

STOP_WAIT_S = 10  # after SIGTERM, before SIGKILL


class ServerNotStarted(ServerError):
    """The server did not start."""

    status_code = 500

    def __init__(self, message: str, *, log_tail: str = "") -> None:
        super().__init__(message)
        self.log_tail = log_tail  # the end of the server's log, for a test's failure message


@dataclass
class ServerProcess:
    """A server running as a child process (`process` for a test that must kill -9 it)."""

    process: subprocess.Popen
    base_url: str
    log_path: Path

    def stop(self) -> None:
        """SIGTERM (uvicorn finishes what it is doing), then SIGKILL if it takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_WAIT_S)


def server_command(*args: str, python: str | None = None) -> list[str]:
    """`python -m server ARGS`: a server verb (`serve`, `admin ...`) on `python` (default: this one)."""
    return [python or sys.executable, "-m", "server", *args]


def start_server(
    data_dir: Path | str,
    *,
    port: int,
    database_url: str | None = None,
    python: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    timeout: float = 60.0,
    stderr_path: Path | None = None,
    workers: int | None = None,
    console: bool = True,
) -> ServerProcess:
    """`serve` on 127.0.0.1:`port` with `data_dir`, answering `GET /api/v1/health` (and its
    console `GET /console/health`) when returned.

    Without `database_url` the server uses the data dir's SQLite file, whatever
    FIELDAPP_DATABASE_URL says in `environ` (default: this process's environment). Its output
    goes to `data_dir/server.log`; with `stderr_path`, only its standard output does (the
    server's own JSON events) and uvicorn's lines on stderr go there. Raises
    `ServerNotStarted` (and leaves nothing running) if it exits or does not answer within
    `timeout` seconds. `workers`: `serve --workers N` (None: the server's default, the cores); `console=False`:
    `serve --no-console` (the API alone, as on an API host of docs/deploy.md).
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    args += ["--database-url", database_url] if database_url else []
    args += ["--workers", str(workers)] if workers is not None else []
    args += [] if console else ["--no-console"]
    env = dict(os.environ if environ is None else environ)
    if database_url is None:
        env.pop("FIELDAPP_DATABASE_URL", None)
    log_path = data_dir / "server.log"
    with open(log_path, "ab") as log, open(stderr_path or os.devnull, "ab") as errors:
        process = subprocess.Popen(  # noqa: S603 - an interpreter and fixed arguments of ours
            server_command(*args, python=python),
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=errors if stderr_path else subprocess.STDOUT,
        )
    server = ServerProcess(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    try:
        wait_until_healthy(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def running_server(data_dir: Path | str, *, port: int, **options) -> Iterator[ServerProcess]:
    """`start_server(...)` for a `with` block: the server is always stopped afterwards."""
    server = start_server(data_dir, port=port, **options)
    try:
        yield server
    finally:
        server.stop()


def wait_until_healthy(server: ServerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerNotStarted(
                f"the server stopped at start (exit {server.process.returncode}); see {server.log_path}",
                log_tail=_tail(server.log_path),
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/api/v1/health", timeout=1.0).status_code == 200:
                break
        time.sleep(0.1)
    else:
        raise ServerNotStarted(
            f"the server did not answer at {server.base_url} within {timeout:g} s (is the port free?); "
            f"see {server.log_path}",
            log_tail=_tail(server.log_path),
        )
    # Its console (its own process, server/console/supervisor.py) answers too, or there is none (404).
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/console/health", timeout=5.0).status_code in (200, 404):
                return
        time.sleep(0.1)
    raise ServerNotStarted(
        f"the server's console did not answer at {server.base_url}/console/health within {timeout:g} s; "
        f"see {server.log_path}",
        log_tail=_tail(server.log_path),
    )


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
