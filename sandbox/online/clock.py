"""The sandbox's notion of "now".

Every timestamp the sandbox writes (MetaData, token expiry, CDC windows, webhook times) comes from
one Clock so tests can move time (expire a token, age a CDC window) without sleeping. Rate-limit
windows deliberately use the real monotonic clock instead: moving the business clock must not
unthrottle a client.
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

# QuickBooks Online reports times in the company's time zone. Our seeded companies are US Pacific;
# we use a fixed -08:00 (no daylight saving) so timestamps are predictable in tests.
COMPANY_TZ = timezone(timedelta(hours=-8))


class Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        """Aware UTC datetime."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(timezone.utc) + self._offset

    def set(self, when: datetime, freeze: bool = False) -> datetime:
        if when.tzinfo is None:
            when = when.replace(tzinfo=COMPANY_TZ)
        when = when.astimezone(timezone.utc)
        with self._lock:
            self._offset = when - datetime.now(timezone.utc)
            self._frozen = when if freeze else None
        return when

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._offset += timedelta(seconds=seconds)
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
            self._frozen = None

    # -- formatting -----------------------------------------------------------------------------
    def stamp(self, when: datetime | None = None) -> str:
        """Intuit-style timestamp: company local time with its offset, e.g. 2026-01-05T09:12:00-08:00."""
        when = when or self.now()
        return format_time(when)

    def today(self) -> date:
        return self.now().astimezone(COMPANY_TZ).date()

    def epoch(self) -> float:
        return self.now().timestamp()


def format_time(when: datetime) -> str:
    return when.astimezone(COMPANY_TZ).replace(microsecond=0).isoformat()


def envelope_time(when: datetime) -> str:
    """The `time` member of response envelopes carries milliseconds, as Intuit's does."""
    return when.astimezone(COMPANY_TZ).isoformat(timespec="milliseconds")


def parse_time(text: str) -> datetime:
    """Parse an ISO date or datetime; naive values are taken in the company time zone
    (python-quickbooks formats CDC timestamps without an offset)."""
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=COMPANY_TZ)
    return value
