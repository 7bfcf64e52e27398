"""FieldApp's central verification server (FastAPI + SQLModel).

Imports `sync` (the protocol) only, never `fieldapp`. Nothing here creates an engine,
reads the environment or touches disk at import time: `create_app(settings)` wires it.
"""

__all__ = ["ServerError", "Settings", "create_app"]


def __getattr__(name: str):  # lazy: `server.cli` must stay cheap to import
    if name == "create_app":
        from .main import create_app

        return create_app
    if name == "Settings":
        from .settings import Settings

        return Settings
    if name == "ServerError":
        from .errors import ServerError

        return ServerError
    raise AttributeError(name)
