"""Console sessions end when they should (issue 20, point 3), against a real `fieldapp serve`.

A sign-in's token is a row of `user_sessions` (server/accounts.py): the API refuses a token
without one. Signing out deletes it at once; a closed tab's session and token end after the
grace (FIELDAPP_CONSOLE_SESSION_GRACE, 2 s here; Flet checks every 10 s), while an open tab
and a tab that comes back within the grace keep theirs; the console process's memory levels
off over rounds of tabs opened and closed.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.errors import ConfigurationError
from server.settings import Settings
from tests.console.test_isolation import PASSWORD, seeded_server, wait_for_console
from tests.support.flet_session import FletTab
from tests.support.live_server import live_server_process

pytestmark = pytest.mark.server

GRACE_S = 2
FLET_CHECK_S = 10  # flet_web's app manager drops expired sessions every 10 s
ENV = {"FIELDAPP_CONSOLE_SESSION_GRACE": str(GRACE_S)}


def tokens(data_dir: Path, username: str) -> int:
    engine = sa.create_engine(f"sqlite:///{data_dir / 'server.db'}")
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT count(*) FROM user_sessions WHERE username = :u"), {"u": username}
            ).scalar_one()
    finally:
        engine.dispose()


async def until(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.25)
    return check()


def test_the_grace_is_short_by_default_and_configurable():
    assert Settings.resolve(data_dir=Path("/tmp/x"), environ={}).console_session_grace == timedelta(seconds=30)
    given = Settings.resolve(data_dir=Path("/tmp/x"), environ={"FIELDAPP_CONSOLE_SESSION_GRACE": "5"})
    assert given.console_session_grace == timedelta(seconds=5)
    for bad in ("soon", "0", "-3", "100000"):
        with pytest.raises(ConfigurationError, match="FIELDAPP_CONSOLE_SESSION_GRACE"):
            Settings.resolve(data_dir=Path("/tmp/x"), environ={"FIELDAPP_CONSOLE_SESSION_GRACE": bad})


def test_sign_out_ends_the_token_at_once_and_a_closed_tab_after_the_grace(tmp_path):
    data_dir = tmp_path / "srv"
    seeded_server(data_dir, reports=5, verifiers=3)
    with live_server_process(data_dir, console=True, env=ENV) as (url, _serve):

        async def scenario() -> None:
            # Sign-out: the token's row is gone when the sign-in form is back.
            async with FletTab.open(url, user_agent="tab-a") as tab:
                await tab.sign_in("vera0", PASSWORD)
                assert tokens(data_dir, "vera0") == 1
                await tab.sign_out()
                assert tokens(data_dir, "vera0") == 0

            # A tab left open keeps its session; a closed one loses it after the grace.
            kept = await FletTab.connect(url, user_agent="tab-b")
            await kept.sign_in("vera1", PASSWORD)
            closed = await FletTab.connect(url, user_agent="tab-c")
            await closed.sign_in("vera2", PASSWORD)
            assert tokens(data_dir, "vera2") == 1
            await closed.close()
            assert await until(lambda: tokens(data_dir, "vera2") == 0, GRACE_S + FLET_CHECK_S + 40)
            assert tokens(data_dir, "vera1") == 1
            await kept.wait_for("sign-out")  # still signed in and on screen
            await kept.close()

        asyncio.run(scenario())


def test_a_tab_back_within_the_grace_finds_its_session(tmp_path):
    data_dir = tmp_path / "srv"
    seeded_server(data_dir, reports=5, verifiers=1)
    with live_server_process(data_dir, console=True, env={"FIELDAPP_CONSOLE_SESSION_GRACE": "60"}) as (url, _serve):

        async def scenario() -> None:
            tab = await FletTab.connect(url, user_agent="tab-r")
            await tab.sign_in("vera0", PASSWORD)
            session_id = tab.session_id
            await tab.close()  # a network blip, a reload
            await asyncio.sleep(1)
            again = await FletTab.connect(url, user_agent="tab-r", session_id=session_id)
            try:
                assert again.session_id == session_id
                assert again.tagged("sign-out") is not None  # the page as it was: signed in
                assert tokens(data_dir, "vera0") == 1
            finally:
                await again.close()

        asyncio.run(scenario())


def test_memory_levels_off_over_rounds_of_tabs_opened_and_closed(tmp_path):
    data_dir = tmp_path / "srv"
    seeded_server(data_dir, reports=30, verifiers=5)
    with live_server_process(data_dir, console=True, env=ENV) as (url, serve):
        console = wait_for_console(serve.pid)

        async def rounds(count: int) -> None:
            for _ in range(count):
                tabs = [await FletTab.connect(url, user_agent=f"tab-{n}") for n in range(5)]
                for n, tab in enumerate(tabs):
                    await tab.sign_in(f"vera{n}", PASSWORD)
                    await tab.wait_for_prefix("queue-row-")
                for tab in tabs:
                    await tab.close()
            await asyncio.sleep(GRACE_S + FLET_CHECK_S + 2)  # every closed session dropped

        asyncio.run(rounds(2))
        warm = _rss_mb(console)
        asyncio.run(rounds(3))
        after = _rss_mb(console)
        assert sum(tokens(data_dir, f"vera{n}") for n in range(5)) == 0
        # 15 more sessions kept would be ~35 MiB (about 2.3 MiB each); a plateau moves by a few.
        assert after - warm < 15, (warm, after)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")
