"""The console's client for the server's review API (httpx, async).

The console is an API client like any other: it holds the signed-in user's bearer token for
the life of its Flet session and nothing else, and never opens the database. The httpx
client is passed in (in-process ASGI transport when mounted in `fieldapp serve`, a real
loopback connection in tests), so every call here goes through the server's own
authentication, validation and audit trail.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import httpx

from ..api.client_address import ADDRESS_HEADER, KEY_HEADER
from .errors import ApiError, ServerUnreachable, SessionExpired

API = "/api/v1"


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, and the bearer token the server gave them (kept in memory only)."""

    username: str
    role: str
    token: str
    expires_at: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class ConsoleApi:
    """One verifier's view of the server API. Create one per console session."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        client_key: str | None = None,
        client_address: str | None = None,
    ) -> None:
        self._client = client
        self.user: SignedIn | None = None
        # Sent with a sign-in so the server throttles failures per browser, not per console
        # (server/api/client_address.py); the key is the server process's own.
        self._origin = (
            {KEY_HEADER: client_key, ADDRESS_HEADER: client_address} if client_key and client_address else {}
        )

    # -- plumbing -------------------------------------------------------------------------

    async def _call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if auth:
            if self.user is None:
                raise SessionExpired()
            headers["Authorization"] = f"Bearer {self.user.token}"
        try:
            response = await self._client.request(method, f"{API}{path}", headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ServerUnreachable() from exc
        if response.status_code == 401 and auth:
            self.user = None  # the token expired or was revoked: back to the sign-in screen
            raise SessionExpired()
        if response.status_code >= 400:
            raise ApiError(response.status_code, _detail(response))
        return response

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._call(method, path, **kwargs)
        return response.json() if response.content else None

    # -- session --------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> SignedIn:
        answer = await self._json(
            "POST",
            "/auth/login",
            auth=False,
            json={"username": username, "password": password},
            headers=dict(self._origin),
        )
        self.user = SignedIn(
            username=answer.get("username", username),
            role=answer["role"],
            token=answer["token"],
            expires_at=answer.get("expires_at"),
        )
        return self.user

    async def logout(self) -> None:
        if self.user is None:
            return
        # Signing out locally is what matters; the token also expires on its own.
        with contextlib.suppress(ApiError, ServerUnreachable, SessionExpired):
            await self._call("POST", "/auth/logout")
        self.user = None

    # -- review ---------------------------------------------------------------------------

    async def queue(self, params: dict[str, Any]) -> dict[str, Any]:
        """`{"items": [...], "total": n, "counts": {state: n}}`, oldest first."""
        return await self._json("GET", "/reports", params=params)

    async def queue_changes(self, params: dict[str, Any]) -> dict[str, Any]:
        """The live queue's poll (server/queue_changes.py): cursor, new, changed, counts."""
        return await self._json("GET", "/reports/changes", params=params)

    async def counts(self, params: dict[str, Any] | None = None) -> dict[str, int]:
        return await self._json("GET", "/reports/counts", params=params or {})

    async def report(self, record_id: str) -> dict[str, Any]:
        return await self._json("GET", f"/reports/{record_id}")

    async def take_lock(self, record_id: str) -> dict[str, Any]:
        return await self._json("POST", f"/reports/{record_id}/lock")

    async def release_lock(self, record_id: str) -> None:
        await self._call("DELETE", f"/reports/{record_id}/lock")

    async def decide(self, record_id: str, state: str, reason: str | None) -> dict[str, Any]:
        return await self._json(
            "POST", f"/reports/{record_id}/decision", json={"state": state, "reason": reason}
        )

    async def tracker(self, params: dict[str, Any]) -> dict[str, Any]:
        """The implementation tracker (docs/registers.md), filtered by `side` / `area`."""
        return await self._json("GET", "/tracker", params=params)

    async def sitrep(self, params: dict[str, Any]) -> Any:
        """A situation report (docs/sitreps.md); the page asks for its signed JSON."""
        return await self._json("GET", "/sitreps", params=params)

    async def flags(self, record_id: str | None = None) -> list[dict[str, Any]]:
        """Reports breaking the agreement's geometry (docs/registers.md); one report's with `record_id`."""
        return await self._json(
            "GET", "/tracker/flags", params={"record_id": record_id} if record_id else None
        )

    # -- registers (docs/registers.md) -----------------------------------------------------

    async def register_entries(self, register: str) -> list[dict[str, Any]]:
        return await self._json("GET", f"/registers/{register}")

    async def put_entries(self, register: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
        return await self._json("PUT", f"/registers/{register}", json={"entries": entries})

    async def import_register(self, register: str, fmt: str, content: str) -> dict[str, Any]:
        return await self._json(
            "POST", f"/registers/{register}/import", json={"format": fmt, "content": content}
        )

    async def retire_entry(self, register: str, entry_id: str, retired: bool) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"/registers/{register}/{entry_id}/retire",
            params={"retired": "true" if retired else "false"},
        )

    # -- the mission's map layers (server/map_layers.py) ---------------------------------------

    async def map_layers(self) -> list[dict[str, Any]]:
        return await self._json("GET", "/map-layers")

    async def add_map_layer(self, name: str, colour: str | None, geojson: str) -> dict[str, Any]:
        return await self._json(
            "POST", "/map-layers", json={"name": name, "colour": colour, "geojson": geojson}
        )

    async def delete_map_layer(self, layer_id: str) -> None:
        await self._call("DELETE", f"/map-layers/{layer_id}")

    async def audit(self, record_id: str) -> list[dict[str, Any]]:
        return await self._json("GET", f"/reports/{record_id}/audit")

    async def corroboration(self, record_id: str, *, km: float, hours: float) -> list[dict[str, Any]]:
        answer = await self._json(
            "GET", f"/reports/{record_id}/corroboration", params={"km": km, "hours": hours}
        )
        return answer["items"] if isinstance(answer, dict) else answer

    # -- photos ---------------------------------------------------------------------------

    async def photos(self, record_id: str) -> list[dict[str, Any]]:
        """The photos the signed record lists: `{sha256, name, size, mime, received, complete,
        completed_at}` each (`complete`: arrived whole and matched its signed SHA-256)."""
        return await self._json("GET", f"/reports/{record_id}/attachments")

    async def photo_thumbnail(self, record_id: str, sha256: str, *, px: int = 320) -> bytes:
        """A JPEG of the photo, its longer side `px` (32-1024), made by the server in memory."""
        response = await self._call(
            "GET", f"/reports/{record_id}/attachments/{sha256}/thumbnail", params={"px": px}
        )
        return response.content

    async def photo(self, record_id: str, sha256: str) -> httpx.Response:
        """The photo exactly as signed (404 until it has fully arrived); the answer carries its
        media type, so the download route can pass it on."""
        return await self._call("GET", f"/reports/{record_id}/attachments/{sha256}")

    # -- administration -------------------------------------------------------------------

    async def devices(self) -> list[dict[str, Any]]:
        return await self._json("GET", "/devices")

    async def revoke_device(self, device_id: str) -> dict[str, Any]:
        return await self._json("POST", f"/devices/{device_id}/revoke")

    async def users(self) -> list[dict[str, Any]]:
        return await self._json("GET", "/users")

    async def create_user(self, username: str, password: str, role: str) -> dict[str, Any]:
        return await self._json(
            "POST", "/users", json={"username": username, "password": password, "role": role}
        )

    async def set_user_disabled(self, username: str, disabled: bool) -> dict[str, Any]:
        return await self._json("PATCH", f"/users/{username}", json={"disabled": disabled})

    async def unlock_user(self, username: str) -> dict[str, Any]:
        """Lift an account's sign-in lock (after repeated failed sign-ins)."""
        return await self._json("POST", f"/users/{username}/unlock")

    async def create_enrollment_code(self, *, label: str | None, expires_hours: float) -> dict[str, Any]:
        return await self._json(
            "POST", "/enrollment-codes", json={"label": label, "expires_hours": expires_hours}
        )

    async def log_alarms(self) -> list[dict[str, Any]]:
        """The alarms devices raised about the transparency log, newest first (admins only)."""
        return await self._json("GET", "/log/alarms")

    # -- exports --------------------------------------------------------------------------

    async def export(self, fmt: str, params: dict[str, Any]) -> httpx.Response:
        """The export file as the server sends it (used by the download-ticket route)."""
        return await self._call("GET", f"/exports/{fmt}", params=params)


def _detail(response: httpx.Response) -> str | None:
    """The server's reason: FastAPI's `detail` (a string, or validation errors)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or None
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):  # pydantic validation errors
        parts = []
        for item in detail[:3]:
            where = ".".join(str(p) for p in item.get("loc", [])[1:])
            parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
        return "; ".join(parts)
    return str(detail) if detail is not None else None
