"""The console's own process's app (server/console/process.py) serves /console with nothing
from a CDN, and nothing of the API. (Reached through `fieldapp serve`'s port: test_isolation.py.)"""

import re

import pytest
from fastapi.testclient import TestClient

from server.console.process import console_app
from server.main import create_app
from server.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings.resolve(data_dir=tmp_path_factory.mktemp("srv"), environ={}, password_scrypt_n=2**12)
    api = create_app(settings)  # the schema (the console's download tickets are in it)
    app = console_app(settings, api_url="http://127.0.0.1:9", client_key="a key")
    with TestClient(app) as test_client:
        yield test_client
    api.state.context.close()


def test_console_page_is_served_without_cdn(client):
    answer = client.get("/console/")
    assert answer.status_code == 200
    page = answer.text
    assert '<base href="/console/">' in page
    assert "flet.noCdn=true" in page
    assert 'flet.webSocketEndpoint="/console/ws"' in page
    assert 'flet.canvasKitBaseUrl="/console/canvaskit/"' in page
    # Every absolute URL in the page is a namespace or documentation link, never a resource.
    for url in re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page):
        pytest.fail(f"page loads {url} from outside")


def test_console_client_files_come_from_the_server(client):
    for path in ("/console/flutter_bootstrap.js", "/console/main.dart.js", "/console/canvaskit/skwasm.js"):
        answer = client.get(path)
        assert answer.status_code == 200, path


def test_the_console_process_serves_no_api(client):
    assert client.get("/api/v1/health").status_code == 404
    assert client.get("/openapi.json").status_code == 404
    assert client.get("/console/health").json() == {"status": "ok"}


def test_unknown_download_ticket_is_gone_not_a_page(client):
    answer = client.get("/console/download/not-a-ticket")
    assert answer.status_code == 410
    assert "expired or was already used" in answer.text
    assert client.get("/console/download/" + "x" * 100).status_code == 410


def test_arabic_fallback_font_is_served_locally(client):
    """Flutter asks for Noto Sans Arabic under the no-CDN font base; the shipped font answers."""
    answer = client.get("/console/assets/fonts/notosansarabic/v28/anything.woff2")
    assert answer.status_code == 200
    assert answer.content[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert client.get("/console/assets/fonts/roboto.woff2").status_code == 200  # flet-web's own
