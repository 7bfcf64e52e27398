"""The device's HTTP calls to the server, over an httpx client passed in.

Every failure becomes one of the exceptions in `sync.failures`, so the engine, the photo
uploader and the retry policy reason about kinds of failure, never about httpx: network
errors, timeouts, 5xx and 429 are TransportErrors (retried); 401/403 are CredentialErrors;
other 4xx are ServerRefusedErrors. `network_errors_as_sync_errors` and `raise_for_status`
are the one translation both the sync client and the photo client use.
"""

import json
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from .failures import (
    BatchTooLargeError,
    CredentialError,
    OfflineError,
    ServerBusyError,
    ServerRefusedError,
    TransportError,
    UnreadableAnswerError,
)
from .registers import RegisterFeed
from .log_protocol import ConsistencyProof, InclusionProof, LogAlarm, LogAlarmReport, SignedTreeHead
from .retry import parse_retry_after
from .wire import (
    EnrollChallenge,
    EnrollRequest,
    EnrollResponse,
    Health,
    SubmissionResponse,
    UpdatesResponse,
)

API = "/api/v1"
# The probe must fail fast on a dead network; bulk calls may take longer.
PROBE_TIMEOUT = httpx.Timeout(3.0, connect=2.0)
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_REASON_CHARS = 200


@dataclass
class WireCounter:
    """Bytes this client put on the wire (request line, headers, body) and got back."""

    sent: int = 0
    received: int = 0


class SyncClient:
    """One server, one device credential, one httpx client (owned by the caller)."""

    def __init__(self, http: httpx.Client, *, base_url: str, credential: str | None = None) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + API
        self._credential = credential
        self.wire = WireCounter()

    # -- calls -------------------------------------------------------------

    def health(self) -> Health:
        """The cheap connectivity probe: short timeouts, no credential needed."""
        return self._call("GET", "/health", Health, timeout=PROBE_TIMEOUT, auth=False)

    def enroll_challenge(self) -> EnrollChallenge:
        """What the enrolment request must be signed over (the server's signing key, a nonce)."""
        return self._call("GET", "/enroll/challenge", EnrollChallenge, auth=False)

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        """Register this device with a signed one-time code; the answer holds the credential and keys."""
        body = request.model_dump_json().encode()
        return self._call("POST", "/enroll", EnrollResponse, content=body, headers=_JSON, auth=False)

    def submit(self, gzip_body: bytes) -> SubmissionResponse:
        """POST one gzip-compressed SubmissionBatch (see sync.batching)."""
        headers = {**_JSON, "Content-Encoding": "gzip"}
        return self._call("POST", "/submissions", SubmissionResponse, content=gzip_body, headers=headers)

    def updates(self, *, since: int, limit: int) -> UpdatesResponse:
        """One page of review updates after the cursor `since`."""
        return self._call(
            "GET", "/devices/me/updates", UpdatesResponse, params={"since": since, "limit": limit}
        )

    def registers(self, *, since: int, limit: int) -> RegisterFeed:
        """One page of signed register entry versions after the cursor `since`."""
        return self._call("GET", "/devices/me/registers", RegisterFeed, params={"since": since, "limit": limit})

    # -- the transparency log (sync.log_audit) ----------------------------------

    def tree_head(self) -> SignedTreeHead:
        return self._call("GET", "/log/sth", SignedTreeHead)

    def inclusion_proof(self, record_id: str, tree_size: int) -> InclusionProof:
        params = {"record_id": record_id, "tree_size": tree_size}
        return self._call("GET", "/log/proof", InclusionProof, params=params)

    def consistency_proof(self, from_size: int, to_size: int) -> ConsistencyProof:
        params = {"from": from_size, "to": to_size}
        return self._call("GET", "/log/consistency", ConsistencyProof, params=params)

    def report_alarm(self, report: LogAlarmReport) -> None:
        body = report.model_dump_json().encode()
        self._call("POST", "/log/alarms", LogAlarm, content=body, headers=_JSON)

    # -- plumbing ----------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        schema: type[BaseModel],
        *,
        auth: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        headers = dict(headers or {})
        if auth:
            if not self._credential:
                raise CredentialError("this device has no server credential: enrol first")
            headers["Authorization"] = f"Bearer {self._credential}"
        timeout = kwargs.pop("timeout", DEFAULT_TIMEOUT)
        request = self._http.build_request(
            method, self._base + path, headers=headers, timeout=timeout, **kwargs
        )
        self.wire.sent += _request_size(request)
        with network_errors_as_sync_errors():
            response = self._http.send(request)
        self.wire.received += len(response.content) + _headers_size(response.headers)
        raise_for_status(response, refusals=_SUBMISSION_REFUSALS)
        try:
            return schema.model_validate_json(response.content)
        except ValidationError as exc:
            # A 2xx we cannot read is most likely a broken proxy or a cut answer: try again later.
            # To the health probe it is something that is not a FieldApp server (a web page).
            cause = "not_fieldapp" if path == "/health" else "unreadable"
            raise UnreadableAnswerError(f"the server's answer to {path} could not be read", cause=cause) from exc


_JSON = {"Content-Type": "application/json"}
_SUBMISSION_REFUSALS = {413: BatchTooLargeError}  # the engine halves the batch and sends again


def raise_for_status(
    response: httpx.Response, *, refusals: Mapping[int, type[ServerRefusedError]] | None = None
) -> None:
    """The one reading of an answer's status for every call the device makes (sync and photos).

    401/403: CredentialError. 429 and 5xx: ServerBusyError, with the Retry-After of a 429 or
    503 (the statuses RFC 9110 gives it to). A status in `refusals`: that refusal (the call's
    own meaning of it). Any other 4xx: ServerRefusedError. Each carries the status and the
    server's reason, so callers that know the context (enrolment) can word their own message.
    """
    status = response.status_code
    if status < 400:
        return
    reason = response_reason(response)
    suffix = f"{status}: {reason}" if reason else f"{status}"
    error: TransportError | CredentialError | ServerRefusedError
    if status in (401, 403):
        error = CredentialError(
            f"the server refused this device's credential ({suffix}); it may have been revoked: enrol again"
        )
    elif status == 429 or status >= 500:
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
        error = ServerBusyError(
            f"the server is busy or failing ({status}); will retry", retry_after=retry_after
        )
    elif refusals and status in refusals:
        refusal = refusals[status]
        error = refusal(f"{(refusal.__doc__ or '').strip().rstrip('.')} ({suffix})")
    else:
        error = ServerRefusedError(f"the server refused the request ({suffix})")
    error.status_code, error.reason = status, reason
    raise error


@contextmanager
def network_errors_as_sync_errors() -> Iterator[None]:
    """httpx's network failures as the sync error tree (all retryable), worded once."""
    try:
        yield
    except httpx.ConnectError as exc:
        if _is_tls(exc):
            raise OfflineError(f"the secure connection failed: {_short(exc)}", cause="tls") from exc
        raise OfflineError(f"cannot reach the server: {_short(exc)}") from exc
    except httpx.TimeoutException as exc:
        raise TransportError(f"the server did not answer in time: {_short(exc)}", cause="timeout") from exc
    except httpx.TransportError as exc:  # cut mid-request or mid-response, protocol garbage
        raise TransportError(f"the connection to the server broke: {_short(exc)}") from exc


def _is_tls(exc: BaseException) -> bool:
    """An ssl error anywhere under httpx's (it wraps httpcore's, which wraps ssl's)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def response_reason(response: httpx.Response) -> str:
    """The server's `detail` text, bounded and on one line (never trusted to be short)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    text = detail if isinstance(detail, str) else json.dumps(detail)[:MAX_REASON_CHARS]
    return " ".join(text.split())[:MAX_REASON_CHARS]


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:MAX_REASON_CHARS] or type(exc).__name__


def _headers_size(headers: httpx.Headers) -> int:
    # "Name: value\r\n" per header plus the blank line that ends them.
    return sum(len(k) + len(v) + 4 for k, v in headers.raw) + 2


def _request_size(request: httpx.Request) -> int:
    line = len(request.method) + len(request.url.raw_path) + len(" HTTP/1.1\r\n") + 1
    body = request.headers.get("Content-Length")
    return line + _headers_size(request.headers) + (int(body) if body else 0)
