"""The verifier console: a Flet web app served by the server at /console.

It is an API client of the server (httpx, the signed-in user's bearer token) and never
touches the database. `mount(app, settings)` (also `mount_console`) adds it to the
server's FastAPI app; `server.main.create_app` calls it.
"""

__all__ = ["mount", "mount_console"]


def __getattr__(name: str):  # lazy: importing the server package must not import Flet
    if name in ("mount", "mount_console"):
        from .mounting import mount_console

        return mount_console
    raise AttributeError(name)
