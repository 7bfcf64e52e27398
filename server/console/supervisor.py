"""`fieldapp serve`'s console process: started beside the API, restarted if it dies, stopped with it.

`serve` binds a loopback socket for the console itself and hands it to the child
(`python -m server console --fd N`), so the port is known before the child runs and never
changes: while the child starts, or restarts after a crash, a browser's connection waits in
the socket's backlog instead of being refused. One console process serves however many API
workers `--workers N` starts (each relays `/console` to it: server/console/relay.py).

The key the API believes the console's address header with (server/api/client_address.py)
is made fresh at each start and written into an inherited pipe, never on a command line, in
the environment of the console, or in a log. The pipe stays open for the child's life: when
`serve` ends, however it ends (even kill -9), the child reads end-of-file and stops.

A console process that exits unexpectedly is logged (`console process exited`, with its exit
status) and started again after a pause that doubles up to `MAX_BACKOFF_S`; the device API
keeps answering meanwhile.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping

log = logging.getLogger("fieldapp.server")

FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0
STEADY_S = 60.0  # a child that ran this long had started fine: the next restart is quick again
STOP_WAIT_S = 10.0


class ConsoleSupervisor:
    """One console child process on a loopback socket this process owns."""

    def __init__(
        self,
        *,
        api_url: str,
        key: str,
        environ: Mapping[str, str],
        log_level: str = "info",
        python: str | None = None,
    ) -> None:
        self.api_url = api_url
        self._key = key
        self._environ = dict(environ)
        self._log_level = log_level
        self._python = python or sys.executable
        self._socket: socket.socket | None = None
        self._process: subprocess.Popen | None = None
        self._lifeline: int | None = None  # our end of the pipe; closing it stops the child
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self.restarts = 0

    @property
    def upstream(self) -> str:
        assert self._socket is not None, "start() first"
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def key(self) -> str:
        return self._key

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> str:
        """Bind the socket, start the child, watch it; the URL to relay `/console` to."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(256)
        self._socket = sock
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="console-supervisor", daemon=True)
        self._watcher.start()
        return self.upstream

    def _spawn(self) -> None:
        assert self._socket is not None
        read_end, write_end = os.pipe()
        fd = self._socket.fileno()
        command = [
            self._python, "-m", "server", "console",
            "--fd", str(fd), "--lifeline-fd", str(read_end),
            "--api-url", self.api_url, "--log-level", self._log_level,
        ]  # fmt: skip
        try:
            process = subprocess.Popen(  # noqa: S603 - our interpreter and fixed arguments
                command, env=self._environ, pass_fds=(fd, read_end), stdin=subprocess.DEVNULL
            )
        finally:
            os.close(read_end)
        os.write(write_end, self._key.encode() + b"\n")
        with self._lock:
            self._process, self._lifeline = process, write_end

    def _watch(self) -> None:
        backoff = FIRST_BACKOFF_S
        while not self._stopping.is_set():
            process = self._process
            assert process is not None
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            self._close_lifeline()
            if time.monotonic() - started > STEADY_S:
                backoff = FIRST_BACKOFF_S
            log.error(
                "console process exited",
                extra={"fields": {"exit": code, "pid": process.pid, "restart_in_s": backoff}},
            )
            if self._stopping.wait(backoff):
                return
            backoff = min(MAX_BACKOFF_S, backoff * 2)
            self.restarts += 1
            self._spawn()
            log.info("console process restarted", extra={"fields": {"pid": self.pid}})

    def _close_lifeline(self) -> None:
        with self._lock:
            if self._lifeline is not None:
                os.close(self._lifeline)
                self._lifeline = None

    def stop(self) -> None:
        """Stop the child (end of its pipe, then SIGTERM, then SIGKILL) and close the socket."""
        self._stopping.set()
        process = self._process
        self._close_lifeline()
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_WAIT_S)
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def console_installed() -> bool:
    """flet-web is here (the console's client and its Flet server); without it, no console."""
    import importlib.util

    return importlib.util.find_spec("flet_web") is not None
