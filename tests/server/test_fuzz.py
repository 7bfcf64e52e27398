"""OpenAPI-driven fuzzing (schemathesis, in-process over ASGI): every operation, bounded examples.

Every operation is fuzzed in each authenticated context that can call it, so generated
requests get past 401 and reach validation and the handlers: device routes (tag `device`,
photo uploads included) with a device credential; every other route both as a verifier and
as an administrator (a verifier on an admin route must get a documented 403, not a 5xx).
Asserts: never a 5xx, every status documented, and every response body matches the schema.
(Hypothesis is driven directly, one operation at a time: schemathesis' lazy pytest fixture
loader does not run under pytest 9.)

Sign-in tokens for the contexts are made directly, not through `/auth/login`: the fuzzer's
own failed logins lock the test client's address (login throttling), as they should.
"""

from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server import accounts
from server.models import UserSession
from server.secrets import new_token, token_hash
from server.settings import sqlite_url
from tests.server.conftest import API, PASSWORD, running_harness

# Device routes outside the `device` tag, and routes any credential may call.
DEVICE_OPERATIONS = {("POST", f"{API}/log/alarms")}
ANY_CALLER_OPERATIONS = {
    ("GET", f"{API}/log/sth"),
    ("GET", f"{API}/log/proof"),
    ("GET", f"{API}/log/consistency"),
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 20


def _token(harness, username: str) -> dict[str, str]:
    """A fresh session token for an existing account, without a sign-in."""
    token, now = new_token(), harness.clock()
    with harness.ctx.transaction() as session:
        session.add(
            UserSession(
                token_hash=token_hash(token),
                username=username,
                created_at=now,
                expires_at=now + timedelta(days=1),
            )
        )
    return {"Authorization": f"Bearer {token}"}


def test_no_server_errors_and_answers_match_the_schema(tmp_path):
    with running_harness(sqlite_url(tmp_path / "data" / "server.db"), tmp_path) as harness:
        for username, role in (("root", "admin"), ("vera", "verifier")):
            with harness.ctx.transaction() as session:
                accounts.create_user(
                    session,
                    harness.settings,
                    clock=harness.clock,
                    username=username,
                    password=PASSWORD,
                    role=role,
                )
        admin, verifier = _token(harness, "root"), _token(harness, "vera")
        device = harness.device(admin, seed=1)
        harness.submit(device, device.envelopes(2))
        schema = schemathesis.openapi.from_asgi("/openapi.json", harness.app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 25, [op.path for op in operations]

        def contexts(operation):
            key = (operation.method.upper(), operation.path)
            as_device = {"device": lambda: dict(device.auth)}
            as_people = {"admin": lambda: dict(admin), "verifier": lambda: dict(verifier)}
            if "device" in (operation.tags or []) or key in DEVICE_OPERATIONS:
                return as_device
            if key in ANY_CALLER_OPERATIONS:
                return {**as_device, **as_people}
            if operation.path == f"{API}/auth/logout":  # don't end the tokens the other examples use
                return {"admin": lambda: _token(harness, "root"), "verifier": lambda: _token(harness, "vera")}
            return as_people

        def fuzzer(operation, headers_for):
            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case):
                if case.path.startswith(f"{API}/users/{{username}}"):  # keep the fuzzer's accounts usable
                    case.path_parameters = {**(case.path_parameters or {}), "username": "someone-else"}
                case.call_and_validate(headers=headers_for(), checks=CHECKS)

            return fuzz

        covered = set()
        for operation in operations:
            for name, headers_for in contexts(operation).items():
                covered.add(name)
                fuzzer(operation, headers_for)()
        assert covered == {"device", "verifier", "admin"}
        device_paths = {op.path for op in operations if "device" in (op.tags or [])}
        assert f"{API}/attachments/{{record_id}}/{{sha256}}" in device_paths
