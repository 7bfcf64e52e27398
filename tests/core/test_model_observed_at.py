"""When an observation happened: offsets kept, naive times refused, the device clock's skew bounded."""

from datetime import datetime, timedelta, timezone

import pytest
from model_examples import NOW, errors_of, record

from fieldapp.model import FieldError, parse_observation


class TestObservedAt:
    def test_offset_is_kept_as_given(self) -> None:
        out = parse_observation(record(observed_at="2024-05-01T06:15:30-04:30"), now=NOW).to_record()
        assert out["observed_at"] == "2024-05-01T06:15:30-04:30"

    def test_aware_datetime_objects_are_accepted(self) -> None:
        given = datetime(2024, 5, 1, 13, 0, tzinfo=timezone(timedelta(hours=2)))
        assert parse_observation(record(observed_at=given), now=NOW).observed_at == given

    def test_naive_datetime_objects_are_rejected(self) -> None:
        errors = errors_of(record(observed_at=datetime(2024, 5, 1, 11, 0)))
        assert errors == [FieldError("observed_at", "must include a UTC offset, like +02:00 or Z")]

    @pytest.mark.parametrize("ahead", [timedelta(0), timedelta(minutes=4, seconds=59), timedelta(minutes=5)])
    def test_within_clock_skew_is_accepted(self, ahead: timedelta) -> None:
        parse_observation(record(observed_at=(NOW + ahead).isoformat()), now=NOW)

    @pytest.mark.parametrize("ahead", [timedelta(minutes=5, seconds=1), timedelta(days=3)])
    def test_beyond_clock_skew_is_rejected(self, ahead: timedelta) -> None:
        # The same instant written in another offset is just as far ahead.
        later = (NOW + ahead).astimezone(timezone(timedelta(hours=3)))
        errors = errors_of(record(observed_at=later.isoformat()))
        assert errors == [
            FieldError("observed_at", "must not be more than 5 minutes after this device's clock")
        ]

    def test_now_must_be_aware(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            parse_observation(record(), now=datetime(2024, 5, 1, 12, 0))

    def test_old_but_plausible_is_fine(self) -> None:
        parse_observation(record(observed_at="2000-01-01T00:00:00Z"), now=NOW)
