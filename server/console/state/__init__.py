"""What each console screen shows and the actions that change it (views only draw these).

Every action takes the `ConsoleApi` it talks through, validates what a verifier typed
before anything reaches the server, and leaves the state unchanged when a call fails.
One module per screen (queue, report, overview, admin), plus the report's photos and the
text helpers (parsing what a verifier typed, showing what the server sent).
"""

from server.schemas import DECISIONS, REASON_REQUIRED
from sync.wire import KINDS, REVIEW_STATES

from .admin import AdminState, IssuedCode, enroll_uri
from .overview import OverviewState
from .photos import FULL_SIZE_INLINE_MAX, PREVIEW_PX, THUMBNAIL_PX, FullPhoto, ReportPhoto, size_text
from .queue import QueueFilters, QueueState
from .report import ReportState, observed_of, point_of, validate_decision, with_separation
from .text import CHAIN_TEXT, STATE_COLOURS, label, parse_number, parse_time, parse_when, short_time

__all__ = [
    "CHAIN_TEXT",
    "DECISIONS",
    "FULL_SIZE_INLINE_MAX",
    "KINDS",
    "PREVIEW_PX",
    "REASON_REQUIRED",
    "REVIEW_STATES",
    "STATE_COLOURS",
    "THUMBNAIL_PX",
    "AdminState",
    "FullPhoto",
    "IssuedCode",
    "OverviewState",
    "QueueFilters",
    "QueueState",
    "ReportPhoto",
    "ReportState",
    "enroll_uri",
    "label",
    "observed_of",
    "parse_number",
    "parse_time",
    "parse_when",
    "point_of",
    "short_time",
    "size_text",
    "validate_decision",
    "with_separation",
]
