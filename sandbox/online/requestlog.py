"""What clients sent and got back, per company, so tests can count calls and inspect payloads."""
from __future__ import annotations

import itertools
import threading
from collections import deque

MAX_ENTRIES = 5000
MAX_BODY = 20000  # characters kept of each request and response body


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, deque] = {}
        self._seq = itertools.count(1)

    def add(self, realm_id: str, entry: dict) -> None:
        for key in ("body", "response"):
            if isinstance(entry.get(key), str) and len(entry[key]) > MAX_BODY:
                entry[key] = entry[key][:MAX_BODY] + "...(truncated)"
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.setdefault(realm_id, deque(maxlen=MAX_ENTRIES)).append(entry)

    def entries(self, realm_id: str, since: int = 0) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries.get(realm_id, ()) if e["seq"] > since]

    def clear(self, realm_id: str | None = None) -> None:
        with self._lock:
            if realm_id is None:
                self._entries.clear()
            else:
                self._entries.pop(realm_id, None)
