"""Which tests need the server side installed, for the phone-floor job (.ci/phone-floor).

That job's venv holds only the observer side at the phone's versions (constraints/mobile.txt),
so a test that needs the server side (FastAPI, uvicorn, Alembic, psycopg, flet-web, the
`server` package in this process) can't run there, and must say so: it is marked `server`
and the job deselects `-m "not server"` (pytest reports the count). Modules that import the
server side when they are imported are listed in SERVER_SIDE: they get the marker here, and
where the server side is not installed they are not collected, each named in the summary.
Anything else that needs the server and is not marked fails there — loudly, as it should.
A live server over HTTP is not "the server side": those tests run it on the main venv's
Python (tests/support/live_server.py, FIELDAPP_TEST_SERVER_PYTHON).
"""

import importlib.util
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SERVER_SIDE = (
    "server",
    "console",
    "evidence",
    "security",  # live servers prepared through the server's admin functions in this process
    "browser",
    "photos/test_photo_server_backends.py",
    "sync/test_log_audit.py",
)
_SERVER_PATHS = tuple(TESTS / entry for entry in SERVER_SIDE)
_not_collected: list[str] = []


def server_side_installed() -> bool:
    return importlib.util.find_spec("fastapi") is not None


def _server_side(path: Path) -> bool:
    return any(path == entry or entry in path.parents for entry in _SERVER_PATHS)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if _server_side(collection_path) and not server_side_installed():
        if any(Path(arg).resolve() in (collection_path, *collection_path.parents) for arg in config.args):
            _not_collected.append(str(collection_path.relative_to(TESTS.parent)))
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _server_side(item.path):
            item.add_marker(pytest.mark.server)


def pytest_terminal_summary(terminalreporter) -> None:
    if _not_collected:
        terminalreporter.section("not collected: need the server side (marker `server`)")
        for path in _not_collected:
            terminalreporter.write_line(path)
