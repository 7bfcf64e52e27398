from fieldapp.ui.state.idle import IdleTimer


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def test_locks_after_the_idle_minutes_and_touch_restarts_the_count():
    clock = FakeClock()
    timer = IdleTimer(5, clock=clock)
    clock.advance(4 * 60 + 59)
    assert not timer.due()
    assert timer.seconds_left() == 1
    timer.touch()
    clock.advance(4 * 60)
    assert not timer.due()
    clock.advance(60)
    assert timer.due()
    assert timer.seconds_left() == 0


def test_zero_minutes_never_locks():
    clock = FakeClock()
    timer = IdleTimer(0, clock=clock)
    clock.advance(10 * 24 * 3600)
    assert not timer.due()
    assert timer.seconds_left() is None


def test_changing_the_minutes_counts_from_now():
    clock = FakeClock()
    timer = IdleTimer(10, clock=clock)
    clock.advance(9 * 60)
    timer.set_minutes(1)
    clock.advance(59)
    assert not timer.due()
    clock.advance(1)
    assert timer.due()
