"""Record every request a browser page makes, and what the server answered about its policy.

For the "no third-party request" tests (docs/security.md, "A stranger on the network"): the
context is *not* routed (nothing is aborted, so a request the client makes shows as it is),
and Chromium runs with `LOOPBACK_ONLY`, so a name other than 127.0.0.1 does not resolve and
nothing leaves the machine even if the client asks. Also collected: websockets, responses
without a Content-Security-Policy, and the page's `securitypolicyviolation` events (a load
the policy stopped is still an attempt to reach another host).
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

# No host but 127.0.0.1 resolves in this browser (FLET.md, "Testing in a real browser").
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"

_WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || ''));
});
"""


def _is_loopback(url: str) -> bool:
    """A request to 127.0.0.1 (http/ws), or a blob:/data: URL made by a page of 127.0.0.1."""
    scheme = url.split(":", 1)[0]
    if scheme == "data":
        return True
    if scheme == "blob":
        url = url[len("blob:") :]
    parts = urlsplit(url)
    return parts.scheme in {"http", "ws"} and parts.hostname == "127.0.0.1"


@dataclasses.dataclass
class RequestLog:
    requests: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)
    without_policy: list[str] = dataclasses.field(default_factory=list)
    policies: set[str] = dataclasses.field(default_factory=set)

    @classmethod
    def attach(cls, context) -> RequestLog:
        """Listen on `context` (every page, worker and websocket of it); aborts nothing."""
        log = cls()
        context.add_init_script(_WATCH_VIOLATIONS)
        context.on("request", lambda request: log.requests.append(request.url))
        context.on("requestfailed", lambda request: log.failed.append(f"{request.url} {request.failure}"))
        context.on("response", log._response)
        context.on("page", lambda page: page.on("websocket", lambda ws: log.requests.append(ws.url)))
        return log

    def _response(self, response) -> None:
        if not response.url.startswith("http://127.0.0.1"):
            return
        policy = response.headers.get("content-security-policy")
        if policy is None:
            self.without_policy.append(f"{response.status} {response.url}")
        else:
            self.policies.add(policy)

    def off_host(self) -> list[str]:
        return [url for url in self.requests if not _is_loopback(url)]

    def assert_stays_home(self, page) -> None:
        """Every request went to 127.0.0.1, each answer carried a policy that allows no
        other origin, and the policy never had to stop anything."""
        assert self.requests, "no request was recorded"
        assert not self.off_host(), f"requests to other hosts: {self.off_host()}"
        assert not self.without_policy, f"answers without a Content-Security-Policy: {self.without_policy}"
        for policy in self.policies:
            assert_own_origin_only(policy)
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], f"the page tried what its policy forbids: {violations}"


def assert_own_origin_only(policy: str) -> None:
    """The policy names no host or scheme that reaches another origin."""
    directives = {
        name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }
    assert directives.get("default-src") == ["'self'"], policy
    allowed = {"'self'", "'none'", "'unsafe-inline'", "'wasm-unsafe-eval'", "blob:", "data:"}
    for name, values in directives.items():
        for value in values:
            assert value in allowed or value.startswith("'sha256-"), f"{name} allows {value}: {policy}"
    assert "'unsafe-inline'" not in directives.get("script-src", []), policy
    for name in ("script-src", "connect-src", "frame-ancestors", "object-src", "base-uri"):
        assert name in directives, f"{name} missing: {policy}"
