"""What a situation report covers: the days, the cut-off time and time zone, which states count,
and the running totals' first day. Turned into UTC boundaries (`sync.sitrep_format.Window`).

A report "for day D" holds what was observed from D-1 at the cut-off (inclusive) to D at the
cut-off (exclusive), in the mission's time zone: with the default 19:30, an observation at
19:29 on D is in D's report and one at 19:31 in D+1's. A period from A to B runs from A-1 at
the cut-off to B at the cut-off; the previous period is as long and ends where it starts.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.sitrep_format import Window

from ..errors import InvalidInput

DEFAULT_TIME_ZONE = "Africa/Tripoli"
DEFAULT_CUTOFF = time(19, 30)
MAX_PERIOD_DAYS = 400  # a year's report, and a little more
MAX_SINCE_DAYS = 3660  # running totals over ten years at most
VERIFIED = ("verified",)
PENDING = ("received", "needs_info")  # still to decide: counted only when asked, each marked


@dataclass(frozen=True)
class SitrepDefinition:
    date_from: date
    date_to: date
    cutoff: time = DEFAULT_CUTOFF
    time_zone: str = DEFAULT_TIME_ZONE
    include_pending: bool = False
    since: date | None = None  # running totals from this report day; default 1 January of date_to's year

    @property
    def states(self) -> tuple[str, ...]:
        return VERIFIED + PENDING if self.include_pending else VERIFIED

    @property
    def since_day(self) -> date:
        return min(self.since or date(self.date_to.year, 1, 1), self.date_from)

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def window(self) -> Window:
        zone = self.zone()
        start = datetime.combine(self.date_from - timedelta(days=1), self.cutoff, zone)
        end = datetime.combine(self.date_to, self.cutoff, zone)
        since = datetime.combine(self.since_day - timedelta(days=1), self.cutoff, zone)
        return Window(start=start, end=end, previous_start=start - (end - start), since=since)

    def public(self) -> dict[str, object]:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "cutoff": self.cutoff.strftime("%H:%M"),
            "time_zone": self.time_zone,
            "states": list(self.states),
            "include_pending": self.include_pending,
            "since": self.since_day.isoformat(),
        }


def make_definition(
    *,
    day: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    cutoff: str | None = None,
    time_zone: str | None = None,
    include_pending: bool = False,
    since: date | None = None,
    today: date,
) -> SitrepDefinition:
    """A definition from what a caller gave, each mistake named (InvalidInput)."""
    if day is not None and (date_from is not None or date_to is not None):
        raise InvalidInput("give either a date or a period (from and to), not both")
    if day is not None:
        date_from = date_to = day
    elif date_from is None and date_to is None:
        date_from = date_to = today
    elif date_from is None or date_to is None:
        raise InvalidInput("a period needs both its first day (from) and its last day (to)")
    assert date_from is not None and date_to is not None
    if date_to < date_from:
        raise InvalidInput(f"the period ends ({date_to}) before it starts ({date_from})")
    if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(f"a period is at most {MAX_PERIOD_DAYS} days")
    if date_from.year < 2000 or date_to.year > 9000:
        raise InvalidInput("the period must lie between the years 2000 and 9000")
    if since is not None and since > date_from:
        raise InvalidInput(f"the running totals' first day ({since}) is after the period's ({date_from})")
    if since is not None and ((date_from - since).days > MAX_SINCE_DAYS or since.year < 2000):
        raise InvalidInput(f"running totals reach back at most {MAX_SINCE_DAYS} days, and not before 2000")
    zone_name = time_zone or DEFAULT_TIME_ZONE
    try:
        if len(zone_name) > 64 or zone_name.startswith(("/", ".")) or ".." in zone_name:
            raise ValueError(zone_name)
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {zone_name!r} (an IANA name such as Africa/Tripoli)") from exc
    return SitrepDefinition(
        date_from=date_from,
        date_to=date_to,
        cutoff=_cutoff(cutoff) if cutoff else DEFAULT_CUTOFF,
        time_zone=zone_name,
        include_pending=include_pending,
        since=since,
    )


def _cutoff(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise InvalidInput(f"the cut-off time is HH:MM, e.g. 19:30 (not {text!r})") from exc


def latest_day(now: datetime, *, time_zone: str | None = None, cutoff: str | None = None) -> date:
    """The newest report day whose cut-off has passed (what "today's report" means to a reader
    before 19:30: yesterday's). An unknown zone or cut-off falls back to defaults here;
    `make_definition` names the mistake."""
    try:
        zone = ZoneInfo(time_zone or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIME_ZONE)
    try:
        limit = _cutoff(cutoff) if cutoff else DEFAULT_CUTOFF
    except InvalidInput:
        limit = DEFAULT_CUTOFF
    local = now.astimezone(zone)
    return local.date() if local.time() >= limit else local.date() - timedelta(days=1)
