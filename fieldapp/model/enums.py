"""The fixed vocabularies of the record format (DESIGN.md, "Record format").

Values are exactly the strings that appear in records; labels and translations
belong to the UI.
"""

from sync.attachment_protocol import PHOTO_MIME_TYPES
from sync.geo import COMPASS_POINTS
from sync.wire import KINDS as KINDS  # one list of kinds, shared with the server

OBSERVED_BY: tuple[str, ...] = ("saw", "heard", "camera", "uav", "eyewitness", "imagery")
CERTAINTIES: tuple[str, ...] = ("confirmed", "probable", "unconfirmed")
LOCATION_SOURCES: tuple[str, ...] = ("gps", "manual", "place")

HEADINGS: tuple[str, ...] = COMPASS_POINTS  # 16-point compass, clockwise from north
RANGE_BANDS: tuple[str, ...] = ("<1km", "1-3km", "3-5km", "5-10km", ">10km")

VEHICLE_TYPES: tuple[str, ...] = ("technical", "apc", "tank", "artillery", "mlrs", "truck")
CASUALTY_TYPES: tuple[str, ...] = ("killed", "injured")

COMPLETENESS: tuple[str, ...] = ("full", "partial")
FIGHTER_ACTIVITIES: tuple[str, ...] = ("presence", "departure")
MEANS: tuple[str, ...] = ("air", "land", "sea")
VIOLATION_TYPES: tuple[str, ...] = (
    "explosion",
    "shelling",
    "small_arms",
    "heavy_machine_gun",
    "airstrike",
    "drone",
    "projectile",
)
WEAPON_RELATIONS: tuple[str, ...] = ("beyond_withdrawal_line", "outside_storage_site", "other")
RESTRICTIONS: tuple[str, ...] = ("denial", "delay", "other")

ATTACHMENT_MIME_TYPES: tuple[str, ...] = PHOTO_MIME_TYPES  # what the upload protocol carries
