"""Persistent state of the sandbox: one SQLite file.

Entities are kept in memory (dicts keyed realm -> entity type -> Id) and written through to SQLite.
Queries over the large company (17,000 objects) then cost a dict scan instead of 17,000 JSON
decodes per page, and the file still makes the state survive a restart. One process owns a file:
two sandboxes on the same file would each keep their own memory and diverge.

All access goes through `Store.lock` (a re-entrant lock): a request's validation and write happen
under it, so a threaded server cannot interleave two writes to one company.

Invariant: a document handed to `put` is never mutated afterwards; a write builds a new dict and
replaces the old one. Readers (query pages, CDC) may therefore serialise live documents outside the
lock without copying them.
"""
from __future__ import annotations

import contextlib
import copy
import json
import sqlite3
import threading
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS realms (
    realm_id TEXT PRIMARY KEY, name TEXT NOT NULL, template TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    realm_id TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL,
    doc TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (realm_id, type, id)
);
CREATE TABLE IF NOT EXISTS request_ids (
    realm_id TEXT NOT NULL, request_id TEXT NOT NULL, status INTEGER NOT NULL,
    content_type TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (realm_id, request_id)
);
CREATE TABLE IF NOT EXISTS grants (
    grant_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, realm_id TEXT NOT NULL, scope TEXT NOT NULL,
    created REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, grant_id TEXT NOT NULL, expires REAL NOT NULL,
    state TEXT NOT NULL, redirect_uri TEXT, issued REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _id_key(id_: str):
    # Ids are numeric strings except US tax codes ("TAX", "NON"); order numerics numerically.
    return (0, int(id_), "") if id_.isdigit() else (1, 0, id_)


class Store:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._in_tx = 0
        self._docs: dict[str, dict[str, dict[str, dict]]] = {}
        self._tombstones: dict[str, dict[str, dict[str, dict]]] = {}
        self._next_id: dict[tuple[str, str], int] = {}
        self._realms: dict[str, dict] = {}
        self._order: dict[tuple[str, str], list[str]] = {}  # cached Id order per (realm, type)
        self._load()

    def _load(self) -> None:
        for realm_id, name, template, created in self._db.execute("SELECT realm_id, name, template, created FROM realms"):
            self._realms[realm_id] = {"realm_id": realm_id, "name": name, "template": template, "created": created}
        for realm_id, type_, id_, doc, deleted in self._db.execute("SELECT realm_id, type, id, doc, deleted FROM entities"):
            target = self._tombstones if deleted else self._docs
            target.setdefault(realm_id, {}).setdefault(type_, {})[id_] = json.loads(doc)
            self._bump_counter(realm_id, type_, id_)

    def _bump_counter(self, realm_id: str, type_: str, id_: str) -> None:
        if id_.isdigit():
            key = (realm_id, type_)
            self._next_id[key] = max(self._next_id.get(key, 1), int(id_) + 1)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    # -- transactions -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one SQLite transaction (a payment and the invoices it pays)."""
        with self.lock:
            outer = self._in_tx == 0
            if outer:
                self._db.execute("BEGIN")
            self._in_tx += 1
            try:
                yield
            except BaseException:
                self._in_tx -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._in_tx -= 1
            if outer:
                self._db.execute("COMMIT")

    # -- realms --------------------------------------------------------------------------------------
    def realms(self) -> list[dict]:
        with self.lock:
            return sorted((dict(r) for r in self._realms.values()), key=lambda r: r["created"])

    def realm(self, realm_id: str) -> dict | None:
        with self.lock:
            r = self._realms.get(realm_id)
            return dict(r) if r else None

    def add_realm(self, realm_id: str, name: str, template: str, created: float) -> None:
        with self.transaction():
            self._db.execute("INSERT INTO realms VALUES (?,?,?,?)", (realm_id, name, template, created))
            self._realms[realm_id] = {"realm_id": realm_id, "name": name, "template": template, "created": created}

    def drop_realm(self, realm_id: str) -> None:
        with self.transaction():
            for table in ("realms", "entities", "request_ids"):
                self._db.execute(f"DELETE FROM {table} WHERE realm_id=?", (realm_id,))
            self._realms.pop(realm_id, None)
            self._docs.pop(realm_id, None)
            self._tombstones.pop(realm_id, None)
            for key in [k for k in self._order if k[0] == realm_id]:
                del self._order[key]
            for key in [k for k in self._next_id if k[0] == realm_id]:
                del self._next_id[key]

    def wipe(self) -> None:
        with self.transaction():
            for table in ("realms", "entities", "request_ids", "grants", "tokens", "settings"):
                self._db.execute(f"DELETE FROM {table}")
            self._realms.clear()
            self._order.clear()
            self._docs.clear()
            self._tombstones.clear()
            self._next_id.clear()

    # -- entities ------------------------------------------------------------------------------------
    def next_id(self, realm_id: str, type_: str) -> str:
        with self.lock:
            key = (realm_id, type_)
            value = self._next_id.get(key, 1)
            self._next_id[key] = value + 1
            return str(value)

    def get(self, realm_id: str, type_: str, id_: str) -> dict | None:
        """A private copy of the live object, or None (deleted objects are not returned)."""
        with self.lock:
            doc = self._docs.get(realm_id, {}).get(type_, {}).get(str(id_))
            return copy.deepcopy(doc) if doc is not None else None

    def peek(self, realm_id: str, type_: str, id_: str) -> dict | None:
        """The live object itself, read-only by convention (reference checks, no copy)."""
        return self._docs.get(realm_id, {}).get(type_, {}).get(str(id_))

    def scan(self, realm_id: str, type_: str) -> list[dict]:
        """Live objects in Id order; callers must not mutate them (copy before returning to a client)."""
        with self.lock:
            docs = self._docs.get(realm_id, {}).get(type_, {})
            order = self._order.get((realm_id, type_))
            if order is None or len(order) != len(docs):
                order = self._order[(realm_id, type_)] = sorted(docs, key=_id_key)
            return [docs[k] for k in order]

    def tombstones(self, realm_id: str, type_: str) -> list[dict]:
        with self.lock:
            return list(self._tombstones.get(realm_id, {}).get(type_, {}).values())

    def put(self, realm_id: str, type_: str, doc: dict) -> None:
        with self.transaction():
            id_ = doc["Id"]
            self._db.execute(
                "INSERT OR REPLACE INTO entities (realm_id, type, id, doc, deleted) VALUES (?,?,?,?,0)",
                (realm_id, type_, id_, json.dumps(doc)),
            )
            bucket = self._docs.setdefault(realm_id, {}).setdefault(type_, {})
            if id_ not in bucket:
                self._order.pop((realm_id, type_), None)
            bucket[id_] = doc
            self._bump_counter(realm_id, type_, id_)

    def bury(self, realm_id: str, type_: str, tombstone: dict) -> None:
        """Hard-delete a transaction, keeping the tombstone CDC reports."""
        with self.transaction():
            id_ = tombstone["Id"]
            self._db.execute(
                "INSERT OR REPLACE INTO entities (realm_id, type, id, doc, deleted) VALUES (?,?,?,?,1)",
                (realm_id, type_, id_, json.dumps(tombstone)),
            )
            self._docs.get(realm_id, {}).get(type_, {}).pop(id_, None)
            self._order.pop((realm_id, type_), None)
            self._tombstones.setdefault(realm_id, {}).setdefault(type_, {})[id_] = tombstone

    def bulk_put(self, realm_id: str, docs_by_type: dict[str, list[dict]]) -> None:
        """Seeding path: one executemany per type inside one transaction (10,000 rows in well under a second)."""
        with self.transaction():
            for type_, docs in docs_by_type.items():
                self._db.executemany(
                    "INSERT OR REPLACE INTO entities (realm_id, type, id, doc, deleted) VALUES (?,?,?,?,0)",
                    [(realm_id, type_, d["Id"], json.dumps(d)) for d in docs],
                )
                bucket = self._docs.setdefault(realm_id, {}).setdefault(type_, {})
                self._order.pop((realm_id, type_), None)
                for d in docs:
                    bucket[d["Id"]] = d
                    self._bump_counter(realm_id, type_, d["Id"])

    # -- request ids ---------------------------------------------------------------------------------
    def recall_request(self, realm_id: str, request_id: str) -> tuple[int, str, str] | None:
        with self.lock:
            row = self._db.execute(
                "SELECT status, content_type, body FROM request_ids WHERE realm_id=? AND request_id=?",
                (realm_id, request_id),
            ).fetchone()
            return tuple(row) if row else None

    def remember_request(self, realm_id: str, request_id: str, status: int, content_type: str, body: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO request_ids VALUES (?,?,?,?,?)",
                (realm_id, request_id, status, content_type, body),
            )

    # -- generic SQL for the OAuth tables --------------------------------------------------------------
    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.lock:
            return self._db.execute(sql, params).fetchall()

    def setting(self, key: str, default=None):
        rows = self.execute("SELECT value FROM settings WHERE key=?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value) -> None:
        self.execute("INSERT OR REPLACE INTO settings VALUES (?,?)", (key, json.dumps(value)))
