"""The engine's register pull against a server played by httpx.MockTransport: pages until the
feed says no more, a non-advancing cursor is a protocol error, a server without the feed (404)
leaves the registers alone and the run goes on."""

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.crypto import b64encode
from sync.engine import SyncEngine
from sync.errors import ProtocolError
from sync.registers import RegisterEntry, sign_entry
from sync.report import SyncReport
from sync.transport import SyncClient

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key().public_bytes_raw()


def _item(cursor: int, entry_id: str) -> dict:
    entry = RegisterEntry(register_name="crossings", id=entry_id, version=1, name_en=entry_id, type="airport",
                          geometry={"type": "Point", "coordinates": [13.27, 32.89]})
    body, signature = sign_entry(KEY, entry)
    return {"cursor": cursor, "body": b64encode(body), "signature": b64encode(signature)}


class Sink:
    def __init__(self) -> None:
        self.cursor = 0
        self.stored: list[tuple[list[str], int]] = []

    def register_cursor(self) -> int:
        return self.cursor

    def apply_register_items(self, items, cursor: int) -> None:
        self.stored.append(([entry.id for entry, _ in items], cursor))
        self.cursor = cursor


def _engine(pages, sink):
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        since = int(request.url.params["since"])
        asked.append(since)
        answer = pages(since)
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = SyncClient(http, base_url="http://127.0.0.1:9", credential="c")
    return SyncEngine(outbox=None, client=client, server_sign_key=PUBLIC, registers=sink), asked  # type: ignore[arg-type]


def test_pages_until_the_feed_has_no_more():
    feed = {0: {"items": [_item(1, "a"), _item(2, "b")], "cursor": 2, "more": True},
            2: {"items": [_item(3, "c")], "cursor": 3, "more": False}}
    sink = Sink()
    engine, asked = _engine(lambda since: feed[since], sink)
    report = SyncReport()
    engine.pull_registers(report)
    assert asked == [0, 2] and sink.stored == [(["a", "b"], 2), (["c"], 3)] and report.registers_pulled == 3


def test_a_cursor_that_does_not_advance_is_a_protocol_error():
    sink = Sink()
    engine, _ = _engine(lambda since: {"items": [], "cursor": since, "more": True}, sink)
    with pytest.raises(ProtocolError, match="register cursor did not advance"):
        engine.pull_registers(SyncReport())


def test_a_server_without_the_feed_leaves_the_registers_alone():
    sink = Sink()
    engine, asked = _engine(lambda since: httpx.Response(404, json={"detail": "Not Found"}), sink)
    report = SyncReport()
    engine.pull_registers(report)
    assert asked == [0] and sink.stored == [] and report.registers_pulled == 0
