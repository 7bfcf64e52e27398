"""The report view's evidence package: a single-use ticket, a zip that verifies offline."""

import asyncio

import pytest

from sync.evidence_verify import holds, verify_package
from tests.console.conftest import report_at


def test_evidence_package_downloads_through_a_ticket_and_verifies(world):
    world.make_user("vera")
    device = world.device(31)
    record = report_at(device)
    world.send(device, [record])
    store = world.app.state.console.tickets

    async def scenario():
        api = await world.console("vera")
        http = world.http()
        ticket = store.issue_evidence(token=api.user.token, record_id=record["id"])
        answer = await http.get(f"/console/download/{ticket}")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        assert answer.headers["content-disposition"] == f'attachment; filename="evidence-{record["id"]}.zip"'
        assert holds(verify_package(answer.content))
        assert (await http.get(f"/console/download/{ticket}")).status_code == 410  # spent
        with pytest.raises(ValueError):
            store.issue_evidence(token=api.user.token, record_id="../../exports/csv")

    asyncio.run(scenario())
