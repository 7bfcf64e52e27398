"""`fieldapp serve --workers 2`: several processes on one port agree through the database —
every record stored once, with the tallies (queue counts, devices list) to match."""

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.devices import make_device
from tests.support.live_server import create_enrollment_code, create_user, live_server

PASSWORD = "a long test password"


def test_two_workers_store_every_record_once(tmp_path, database_url):
    data_dir = tmp_path / "srv"
    url_arg = None if database_url.startswith("sqlite") else database_url
    with live_server(data_dir, url_arg, workers=2, timeout=120) as base_url:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            devices = []
            for seed in range(4):
                device = make_device(seed)
                device.enroll(client, create_enrollment_code(data_dir, url_arg))
                devices.append(device)

        def push(device) -> list[str]:
            statuses = []
            with httpx.Client(base_url=base_url, timeout=60) as client:
                for _ in range(6):
                    answer = client.post(
                        "/api/v1/submissions", json={"envelopes": device.envelopes(40)}, headers=device.auth
                    )
                    assert answer.status_code == 200, answer.text
                    statuses += [r["status"] for r in answer.json()["results"]]
            return statuses

        with ThreadPoolExecutor(4) as pool:
            outcomes = [s for statuses in pool.map(push, devices) for s in statuses]
        assert outcomes == ["accepted"] * (4 * 6 * 40)
        create_user(data_dir, "vera", PASSWORD, "verifier", url_arg)
        token = httpx.post(
            f"{base_url}/api/v1/auth/login", json={"username": "vera", "password": PASSWORD}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        page = httpx.get(f"{base_url}/api/v1/reports", params={"limit": 1}, headers=headers).json()
        listed = httpx.get(f"{base_url}/api/v1/devices", headers=headers).json()
    assert page["total"] == 4 * 6 * 40 == page["counts"]["received"]
    assert sorted(d["reports"] for d in listed) == [240] * 4
    assert all(d["last_seq"] == 240 and d["gaps"] == 0 for d in listed)
