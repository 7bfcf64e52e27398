"""A stranger on the network learns nothing from the pages we serve (issue 10, point 9).

No page the project serves may make a request to another host: flet-web 1.0.5's client names
the Rive runtime's CDN, FastAPI's /docs is Swagger UI from a CDN. Against a real `fieldapp
serve`: every kind of answer carries a Content-Security-Policy that allows no other origin,
the console's client files are the wheel's with the CDN's address pointed home (same
length, nothing else changed), the Rive stub answers there, and /docs needs nothing from
outside. The browser tests (tests/browser/test_requests_stay_home.py,
tests/console/test_console_requests_stay_home.py) watch every request a real page makes.
"""

import base64
import hashlib
import re
from pathlib import Path

import flet_web
import pytest

from server.settings import Settings
from sync import web_client
from sync.web_client import RIVE_CDN, RIVE_LOCAL, OwnOriginMiddleware, patched
from tests.support.request_log import assert_own_origin_only

WEB_DIR = Path(flet_web.get_package_web_dir())
CLIENT_FILES = ("main.dart.js", "main.dart.wasm")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/health",
        "/openapi.json",
        "/docs",
        "/console",  # the redirect to /console/
        "/console/",
        "/console/flutter_bootstrap.js",
        "/console/main.dart.wasm",
        "/console/rive-native/wasm/rive_native.js",
        "/no/such/page",
    ],
)
def test_every_answer_carries_a_policy_that_allows_no_other_origin(target, path):
    answer = target.http.get(path, follow_redirects=False)
    assert answer.status_code in (200, 307, 404), (path, answer.status_code)
    assert_own_origin_only(answer.headers["content-security-policy"])
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_an_answer_refused_before_any_route_carries_the_policy_too(target):
    answer = target.http.post(
        "/api/v1/submissions", content=b"x" * (Settings.max_body_bytes + 1), headers=target.admin
    )
    assert answer.status_code == 413
    assert_own_origin_only(answer.headers["content-security-policy"])


def _inline_hashes(page: str) -> set[str]:
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.DOTALL)
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts
    }


def test_the_console_page_allows_exactly_its_own_inline_scripts_and_is_never_stored(target):
    answer = target.http.get("/console/")
    script_src = next(
        part.split()[1:]
        for part in answer.headers["content-security-policy"].split(";")
        if "script-src" in part
    )
    hashes = _inline_hashes(answer.text)
    assert len(hashes) >= 2  # Flet writes its configuration inline
    assert {value for value in script_src if value.startswith("'sha256-")} == hashes
    assert answer.headers["cache-control"] == "no-store"
    assert "etag" not in answer.headers


def test_a_revalidated_page_is_sent_whole_with_its_hashes(target):
    """A 304 would update the cached page's headers with a policy lacking the hashes."""
    first = target.http.get("/console/")
    again = target.http.get(
        "/console/",
        headers={
            "If-Modified-Since": "Wed, 01 Jan 2031 00:00:00 GMT",
            "If-None-Match": "*",
            "Sec-Fetch-Dest": "document",
        },
    )
    assert again.status_code == 200
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]


@pytest.mark.parametrize("name", CLIENT_FILES)
def test_the_client_files_are_the_wheels_with_the_cdn_pointed_home(target, name):
    wheel = (WEB_DIR / name).read_bytes()
    assert wheel.count(RIVE_CDN) == 1, "flet-web changed: look again at what its client fetches"
    served = target.http.get(f"/console/{name}")
    assert served.status_code == 200
    assert b"cdn.jsdelivr.net" not in served.content
    assert served.content == patched(wheel) and len(served.content) == len(wheel)
    etag = served.headers["etag"]
    assert target.http.get(f"/console/{name}", headers={"If-None-Match": etag}).status_code == 304


def test_the_local_address_resolves_inside_the_mount():
    from urllib.parse import urljoin

    local = RIVE_LOCAL.decode()
    assert urljoin("http://127.0.0.1:8000/console/", local + "wasm/rive_native.js") == (
        "http://127.0.0.1:8000/console/rive-native/wasm/rive_native.js"
    )


def test_the_rive_stub_answers_that_there_is_no_runtime(target):
    for stub in ("wasm/rive_native.js", "wasm_compatibility/rive_native.js"):
        answer = target.http.get(f"/console/rive-native/{stub}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/javascript")
        assert "Promise.resolve(null)" in answer.text


def test_the_api_docs_page_needs_nothing_from_outside(target):
    answer = target.http.get("/docs")
    assert answer.status_code == 200
    assert "<script" not in answer.text
    assert not re.findall(r"""(?:src|href)=["']https?://""", answer.text)
    assert "/api/v1/submissions" in answer.text and "openapi.json" in answer.text


@pytest.mark.parametrize("chunk", [7, 64, 1000, 1 << 20])
def test_the_patch_is_the_same_whichever_way_the_file_is_cut(chunk, tmp_path):
    data = b"x" * 130 + RIVE_CDN + b"y" * 50 + RIVE_CDN + b"z" * 3
    offsets = web_client.patch_offsets(data)
    assert offsets == (130, 130 + len(RIVE_CDN) + 50)
    pieces = [web_client._splice(data[i : i + chunk], i, offsets) for i in range(0, len(data), chunk)]
    assert b"".join(pieces) == patched(data)


def test_the_middleware_leaves_websockets_alone():
    import asyncio

    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])

    asyncio.run(OwnOriginMiddleware(inner)({"type": "websocket", "path": "/ws"}, None, None))
    assert seen == ["websocket"]


def test_a_page_sent_in_pieces_is_hashed_whole_and_never_revalidated():
    import asyncio

    seen = {}

    async def inner(scope, receive, send):
        seen.update(headers=dict(scope["headers"]), extensions=scope["extensions"])
        start = [(b"content-type", b"text/html; charset=utf-8"), (b"etag", b'"1"')]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        await send({"type": "http.response.body", "body": b"<p>hi</p><script>a()", "more_body": True})
        await send({"type": "http.response.body", "body": b"</script>"})

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"if-none-match", b'"1"'), (b"sec-fetch-dest", b"document")],
        "extensions": {"http.response.pathsend": {}},  # a page must come as body messages
    }
    asyncio.run(OwnOriginMiddleware(inner)(scope, None, send))
    assert b"if-none-match" not in seen["headers"] and "http.response.pathsend" not in seen["extensions"]
    headers = dict(sent[0]["headers"])
    assert headers[b"content-security-policy"].decode() == web_client.content_security_policy([b"a()"])
    assert b"etag" not in headers and headers[b"cache-control"] == b"no-store"
    assert b"".join(message["body"] for message in sent[1:]) == b"<p>hi</p><script>a()</script>"
