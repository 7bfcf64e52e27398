"""Bounds on sizes and numbers, in one place so the UI and the checks agree."""

from datetime import UTC, datetime, timedelta

PLACE_ID_MAX = 64  # a gazetteer id ("sirte", "gn-2210247")
NAME_MAX = 200  # unit, camp, place, controlling side and other short names
NOTE_MAX = 1000  # short free-text details: damage, reason given
DESCRIPTION_MAX = 4000

COUNT_MAX = 1_000_000  # personnel, vehicles, fighters, rounds, casualties
CALIBRE_MM_MAX = 1000.0
ACCURACY_M_MAX = 100_000.0  # an accuracy worse than 100 km is no location at all

ATTACHMENTS_MAX = 20
ATTACHMENT_SIZE_MAX = 1 << 30  # 1 GiB: far above any photo, far below JSON's exact-integer range

# Phones' clocks drift; an observation a few minutes "in the future" is a clock, not a lie.
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST_OBSERVATION = datetime(2000, 1, 1, tzinfo=UTC)

# Decimal places kept, so canonical encoding of a record is stable (6 places ≈ 0.1 m).
LATLON_DECIMALS = 6
METRE_DECIMALS = 1
CALIBRE_DECIMALS = 2  # 7.62 mm, 14.5 mm, 152.4 mm
