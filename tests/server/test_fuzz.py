"""OpenAPI-driven fuzzing (schemathesis, in-process over ASGI): every operation, bounded examples.

Each operation gets valid credentials for its role, so generated requests get past 401 and
reach validation and the handlers. Asserts: never a 5xx, every status documented, and every
response body matches the schema. (Hypothesis is driven directly, one operation at a time:
schemathesis' lazy pytest fixture loader does not run under pytest 9.)
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.settings import sqlite_url
from tests.server.conftest import API, PASSWORD, running_harness

DEVICE_OPERATIONS = {
    ("POST", f"{API}/submissions"),
    ("GET", f"{API}/devices/me/updates"),
    ("POST", f"{API}/log/alarms"),
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25


def test_no_server_errors_and_answers_match_the_schema(tmp_path):
    with running_harness(sqlite_url(tmp_path / "data" / "server.db"), tmp_path) as harness:
        admin_headers = harness.make_user("root", "admin")
        device = harness.device(admin_headers, seed=1)
        harness.submit(device, device.envelopes(2))
        schema = schemathesis.openapi.from_asgi("/openapi.json", harness.app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20, [op.path for op in operations]

        def headers_for(case):
            if (case.method.upper(), case.path) in DEVICE_OPERATIONS:
                return dict(device.auth)
            if case.path == f"{API}/auth/logout":  # don't end the token the other examples use
                answer = harness.client.post(
                    f"{API}/auth/login", json={"username": "root", "password": PASSWORD}
                )
                return {"Authorization": f"Bearer {answer.json()['token']}"}
            return dict(admin_headers)

        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case):
                if case.path == f"{API}/users/{{username}}":  # keep the fuzzer's own account enabled
                    case.path_parameters = {**(case.path_parameters or {}), "username": "someone-else"}
                case.call_and_validate(headers=headers_for(case), checks=CHECKS)

            fuzz()
