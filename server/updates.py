"""What a device pulls: review states and verifiers' messages for its own records."""

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from sync.wire import ReviewUpdate, UpdatesResponse

from .models import DeviceUpdate

MAX_LIMIT = 1000


def updates_for_device(session: Session, device_id: str, *, since: int, limit: int) -> UpdatesResponse:
    """Changes to this device's records after cursor `since`, oldest first."""
    # Plain rows, not ORM objects: a device catching up pulls thousands of these.
    rows = session.execute(
        sa.select(
            col(DeviceUpdate.cursor),
            col(DeviceUpdate.record_id),
            col(DeviceUpdate.state),
            col(DeviceUpdate.message),
            col(DeviceUpdate.changed_at),
        )
        .where(col(DeviceUpdate.device_id) == device_id, col(DeviceUpdate.cursor) > since)
        .order_by(col(DeviceUpdate.cursor))
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    return UpdatesResponse(
        updates=[
            ReviewUpdate(
                cursor=row.cursor,
                record_id=row.record_id,
                state=row.state,
                message=row.message,
                changed_at=row.changed_at,
            )
            for row in page
        ],
        cursor=page[-1].cursor if page else since,
        more=len(rows) > limit,
    )
