"""Taking a photo with the camera (flet-camera): start the camera, capture, hand the bytes on.

A captured photo goes through `FormPhotos.take` like a picked one — checked (JPEG/PNG by its
bytes, the caps, not twice), hashed at capture from the bytes the camera returned, stored in
the draft or held until it can be saved. Nothing is written to disk in clear. The camera
itself is behind `CameraPort` (the flet-camera control: preview on the page, methods on the
client), so this is plain Python and testable with a fake.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from fieldapp.ui.state.photos import Notice

if TYPE_CHECKING:
    from fieldapp.ui.state.photos import FormPhotos

log = logging.getLogger(__name__)
BACK_LENS = "back"


class CameraPort(Protocol):
    """What the app uses of `flet_camera.Camera`."""

    async def get_available_cameras(self) -> Sequence[Any]: ...

    async def initialize(self, description: Any, resolution_preset: Any, enable_audio: bool = ...) -> Any: ...

    async def take_picture(self) -> bytes: ...


@dataclass(frozen=True)
class CapturedPhoto:
    """A captured photo in the shape `FormPhotos.take` reads (like a picked file)."""

    name: str
    bytes: bytes
    path: str | None = None


def capture_name(now: datetime) -> str:
    """The file name a captured photo is stored and shown under: when it was taken."""
    return f"camera-{now:%Y%m%d-%H%M%S}.jpg"


@dataclass
class CameraCapture:
    """The camera dialog's state: `ready` once a camera is started; `notice` says what went wrong.

    `resolution` is handed to `initialize` (the view passes flet-camera's preset); audio is
    never asked for, so the app needs no microphone permission."""

    resolution: Any = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    ready: bool = False
    busy: bool = False
    notice: Notice | None = None

    async def start(self, camera: CameraPort) -> bool:
        """Start the back camera (else the first one). False, with `notice` set, when none can be
        started: no camera, or the permission refused — the photo picker still works."""
        self.ready, self.notice = False, None
        try:
            cameras = list(await camera.get_available_cameras())
            if not cameras:
                self.notice = Notice(key="camera.none", is_error=True)
                return False
            chosen = next((c for c in cameras if _lens(c) == BACK_LENS), cameras[0])
            await camera.initialize(chosen, self.resolution, enable_audio=False)
        except Exception as exc:  # the plugin's errors (permission, busy device) come as plain exceptions
            log.info("camera could not be started: %s", exc)
            self.notice = Notice(key="camera.unavailable", text=str(exc), is_error=True)
            return False
        self.ready = True
        return True

    async def capture(
        self,
        camera: CameraPort,
        photos: FormPhotos,
        *,
        progress: Callable[[], None] | None = None,
        closing: Callable[[], Awaitable[None] | None] | None = None,
    ) -> Notice | None:
        """Take a picture and hand it to the form's photos, hashed there as a picked photo is.
        Returns what to say (None only if there was nothing to take). One capture at a time."""
        if not self.ready or self.busy:
            return None
        self.busy = True
        try:
            try:
                data = bytes(await camera.take_picture())
            except Exception as exc:
                log.info("camera capture failed: %s", exc)
                self.notice = Notice(key="camera.unavailable", text=str(exc), is_error=True)
                return self.notice
            if closing is not None:
                done = closing()
                if done is not None:
                    await done
            return await photos.take([CapturedPhoto(capture_name(self.clock()), data)], progress=progress)
        finally:
            self.busy = False


def _lens(description: Any) -> str | None:
    direction = getattr(description, "lens_direction", None)
    return getattr(direction, "value", direction)
