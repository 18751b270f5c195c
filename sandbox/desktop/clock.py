"""Clocks for the simulated company: real time, or a manual one tests move forward."""

from __future__ import annotations

import datetime as dt


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class ManualClock:
    """Time stands still until ``advance`` is called, so TimeModified and watermarks are exact."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = (start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)).replace(microsecond=0)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now
