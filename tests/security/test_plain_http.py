"""A stranger on the network: plain http:// enrolment only where the network is this computer's
or a private one (issue 10, point 6). Anything else must be https, refused before a byte is sent."""

import httpx
import pytest

from fieldapp.services import create_device
from fieldapp.services.enrollment import InvalidServerUrl, enroll_device, normalize_server_url
from fieldapp.vault import FAST_KDF_FOR_TESTS

SAFE_PLAIN = [
    "http://127.0.0.1:8000",
    "http://127.8.9.10",
    "http://localhost:8000",
    "http://[::1]:8000",
    "http://10.1.2.3:8000",
    "http://172.16.0.9",
    "http://172.31.255.1",
    "http://192.168.1.20:8000/fieldapp",
    "http://[fd12:3456::1]:8000",
]
UNSAFE_PLAIN = [
    "http://example.org",
    "http://verify.mission.example:8000",
    "http://8.8.8.8",
    "http://172.32.0.1",  # just outside 172.16.0.0/12
    "http://100.64.0.1",  # carrier-grade NAT: the provider's network, not yours
    "http://[2001:db8::1]",
    "http://localhost.example.org",
    "http://192.168.1.20.nip.io",  # a public name that happens to resolve to a private address
]


@pytest.mark.parametrize("url", SAFE_PLAIN)
def test_plain_http_is_accepted_on_loopback_and_private_networks(url):
    assert normalize_server_url(url) == url


@pytest.mark.parametrize("url", UNSAFE_PLAIN)
def test_plain_http_elsewhere_is_refused_with_the_reason(url):
    with pytest.raises(InvalidServerUrl) as refused:
        normalize_server_url(url)
    message = str(refused.value)
    assert "https://" in message
    assert "private network" in message and "this computer" in message


def test_https_is_accepted_anywhere():
    for url in ("https://verify.mission.example", "https://8.8.8.8:8443/api-root"):
        assert normalize_server_url(url) == url


def test_enrolment_over_public_plain_http_sends_nothing(tmp_path):
    sent = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    device = create_device(tmp_path / "dev", "a long passphrase here", kdf=FAST_KDF_FOR_TESTS)
    try:
        with pytest.raises(InvalidServerUrl):
            enroll_device(device, "http://verify.mission.example", "ABCD-EFGH-JKLM", transport=transport)
        assert sent == []  # neither the code nor the device's identity went out in clear
        assert device.sync_settings.get("server_url") is None
    finally:
        device.lock()
