"""Intuit's throttles, per company: requests per minute and per second, concurrent requests, and
batch requests per minute. Windows use the real monotonic clock, not the movable business clock,
so moving time in a test never lifts a throttle. Rejected requests do not count against a window."""
from __future__ import annotations

import threading
import time
from collections import deque

from .knobs import RateLimits


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], deque] = {}
        self._inflight: dict[str, int] = {}

    def _count(self, key: tuple[str, str], span: float, now: float) -> int:
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - span:
            window.popleft()
        return len(window)

    def admit(self, realm_id: str, limits: RateLimits, is_batch: bool) -> bool:
        """Record the request and return True, or return False when a limit is exceeded.
        A True must be paired with `release`."""
        now = time.monotonic()
        with self._lock:
            if limits.enabled:
                if self._inflight.get(realm_id, 0) >= limits.concurrent:
                    return False
                if self._count((realm_id, "minute"), 60, now) >= limits.per_minute:
                    return False
                if self._count((realm_id, "second"), 1, now) >= limits.per_second:
                    return False
                if is_batch and self._count((realm_id, "batch"), 60, now) >= limits.batch_per_minute:
                    return False
            self._windows.setdefault((realm_id, "minute"), deque()).append(now)
            self._windows.setdefault((realm_id, "second"), deque()).append(now)
            if is_batch:
                self._windows.setdefault((realm_id, "batch"), deque()).append(now)
            self._inflight[realm_id] = self._inflight.get(realm_id, 0) + 1
            return True

    def release(self, realm_id: str) -> None:
        with self._lock:
            self._inflight[realm_id] = max(0, self._inflight.get(realm_id, 0) - 1)

    def reset(self, realm_id: str | None = None) -> None:
        with self._lock:
            for key in [k for k in self._windows if realm_id is None or k[0] == realm_id]:
                del self._windows[key]
