"""The console's log alarms (no browser): what an administrator is shown of the alarms devices
raised, through the real API; a verifier is refused."""

import asyncio

import pytest

from server.console.errors import ApiError
from server.console.log_alarms import LogAlarmsState
from tests.console.conftest import API, report_at


def _raise_alarm(world, device, *, forged: bool, record_id: str | None = None) -> None:
    head = world.devices_client.get(f"{API}/log/sth", headers=device.auth).json()
    seen = {**head, "root_hash": "0" * 64} if forged else head
    body = {
        "reason": f"the log's tree of {head['tree_size']} is not the one this device kept",
        "detected_at": "2026-03-02T12:05:00Z",
        "kept_head": head,
        "seen_head": seen,
        "record_id": record_id,
    }
    answer = world.devices_client.post(f"{API}/log/alarms", json=body, headers=device.auth)
    assert answer.status_code == 201, answer.text


def test_an_administrator_sees_each_alarm_with_device_time_and_what_failed(world):
    world.make_user("ada", "admin")
    world.make_user("vera")
    device = world.device(41)
    record = report_at(device)
    world.send(device, [record])

    async def scenario():
        admin = await world.console("ada")
        state = LogAlarmsState()
        await state.load(admin)
        assert state.count == 0 and state.count_text.startswith("No device has raised")

        _raise_alarm(world, device, forged=True)
        _raise_alarm(world, device, forged=False, record_id=record["id"])
        await state.load(admin)
        assert state.count == 2 and state.count_text.startswith("2 alarm(s)")
        newest, oldest = state.alarms
        assert newest.device_id == device.device_id
        assert newest.device_text == f"{device.device_id} (test device)"  # named by its label
        assert newest.reason == "the log's tree of 1 is not the one this device kept"
        assert newest.detected_at == "2026-03-02 12:05 UTC" and newest.received_at.endswith("UTC")
        assert newest.record_id == record["id"] and oldest.record_id is None
        assert newest.signed and "proof, not rumour" in newest.evidence_text
        assert not oldest.signed and "cannot be checked" in oldest.evidence_text

        verifier = await world.console("vera")
        with pytest.raises(ApiError) as refused:
            await LogAlarmsState().load(verifier)
        assert refused.value.status_code == 403

    asyncio.run(scenario())
