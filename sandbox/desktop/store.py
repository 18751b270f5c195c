"""Company state persisted in one SQLite file as a JSON document.

One document keeps the simulator simple; ``BEGIN IMMEDIATE`` makes every ``process`` call an
atomic read-modify-write, so the app's worker, the CLI and the scheduled Web Connector can share a
company file from several processes without losing writes.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


class StateStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS company_state (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT)")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        # WAL with NORMAL sync: readers never block the writer, and a simulator does not need an
        # fsync per request (a crash may lose the last write, never corrupt the file).
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def exists(self) -> bool:
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM company_state WHERE id = 1").fetchone() is not None

    def read(self) -> dict[str, Any]:
        conn = self._connect()
        try:
            row = conn.execute("SELECT doc FROM company_state WHERE id = 1").fetchone()
        finally:
            conn.close()
        if row is None:
            raise LookupError(f"no company in {self.path}")
        return json.loads(row[0])

    def write(self, doc: dict[str, Any]) -> None:
        with self.transaction() as current:
            current.clear()
            current.update(doc)

    @contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Yield the document under a write lock; it is saved if the block ends without an exception."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT doc FROM company_state WHERE id = 1").fetchone()
            doc = json.loads(row[0]) if row else {}
            try:
                yield doc
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("INSERT OR REPLACE INTO company_state (id, doc) VALUES (1, ?)", (json.dumps(doc),))
            conn.execute("COMMIT")
        finally:
            conn.close()
