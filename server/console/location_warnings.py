"""What a verifier is warned of about a report's location, from what the signed record says
of its GPS fix (issue 18.5): a position the phone reported as coming from a mock location
provider (Android), a fix less accurate than the observer app's default limit, and a fix
taken long before the time observed. Records without these facts (typed, picked, older
app versions) draw no warning: absence is not suspicion.
"""

from datetime import datetime, timedelta
from typing import Any

ACCURACY_WARN_M = 50.0  # the observer app's default "refuse fixes worse than" (Settings)
FIX_AGE_WARN = timedelta(minutes=10)


def location_warnings(record: dict[str, Any]) -> list[str]:
    """One sentence per warning, most serious first (the record is untrusted: odd types are ignored)."""
    location = record.get("location")
    if not isinstance(location, dict) or location.get("source") != "gps":
        return []
    warnings = []
    if location.get("mocked") is True:
        warnings.append("The phone reported this position as simulated (a mock location app was active).")
    accuracy = location.get("accuracy_m")
    if isinstance(accuracy, int | float) and not isinstance(accuracy, bool) and accuracy > ACCURACY_WARN_M:
        warnings.append(
            f"The GPS fix is only accurate to ±{accuracy:.0f} m (warned above {ACCURACY_WARN_M:.0f} m)."
        )
    fix_at, observed_at = _time(location.get("fix_at")), _time(record.get("observed_at"))
    if fix_at is not None and observed_at is not None and observed_at - fix_at > FIX_AGE_WARN:
        minutes = int((observed_at - fix_at) / timedelta(minutes=1))
        warnings.append(f"The GPS fix was taken {minutes} min before the time observed.")
    return warnings


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
