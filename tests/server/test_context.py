"""The server's wiring: one ServerContext per app, used by the routes, closed on shutdown."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from server.ingest import ingest_envelopes
from server.main import create_app
from server.settings import Settings
from sync.wire import SubmissionBatch
from tests.server.conftest import API


class CountingPool(ThreadPoolExecutor):
    submitted = 0

    def submit(self, *args, **kwargs):
        self.submitted += 1
        return super().submit(*args, **kwargs)


def test_the_app_holds_one_context_and_closes_it_when_it_stops(tmp_path):
    settings = Settings.resolve(data_dir=tmp_path, environ={}, console=False, password_scrypt_n=2**12)
    app = create_app(settings)
    context = app.state.context
    assert context.settings is settings
    with TestClient(app) as client:
        assert client.get(f"{API}/health").status_code == 200
        assert context.pool.submit(lambda: 7).result() == 7
    with pytest.raises(RuntimeError):  # the lifespan shut the pool down
        context.pool.submit(lambda: 7)


def test_a_large_batch_is_opened_on_the_pool_with_the_same_results(harness, admin_headers):
    device = harness.device(admin_headers, seed=21)
    batch = SubmissionBatch.model_validate({"envelopes": device.envelopes(64)})
    ctx = harness.ctx
    with CountingPool(max_workers=2) as pool:
        pooled = ingest_envelopes(
            batch.envelopes, session_factory=ctx.session_factory, keys=ctx.keys, clock=ctx.clock, pool=pool
        )
        assert pool.submitted == 2
    assert [r.status for r in pooled] == ["accepted"] * 64
    again = ingest_envelopes(
        batch.envelopes, session_factory=ctx.session_factory, keys=ctx.keys, clock=ctx.clock
    )
    assert [r.status for r in again] == ["duplicate"] * 64
