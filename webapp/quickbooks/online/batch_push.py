"""Multi-record runs (Sync Job) through the QuickBooks Batch API, in dependency waves.

Each wave (customers, then jobs, then people and lists, then transactions) is matched in bulk
(`WHERE DocNumber IN (...)`, `WHERE DisplayName IN (...)`) and written with at most 30 operations
per batch request. Items succeed or fail one by one: a failed item fails only its record, and
the faults that need a conversation with QuickBooks (a stale SyncToken, a name in use) fall back to
the one-record path of OnlinePusher. Each batch request carries a requestid derived from the run and
its content, so a batch whose answer was lost is replayed, not executed twice.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from webapp.extensions import db
from webapp.models import LinkState
from webapp.quickbooks.online import mapping
from webapp.quickbooks.online.client import quote
from webapp.quickbooks.online.errors import DuplicateDocNumber, DuplicateName, StaleObject, from_fault
from webapp.quickbooks.online.push import NAME_FIELD, OnlinePusher, Outcome, PushProblem, body_hash
from webapp.sync import links, rules

BATCH_SIZE = 30  # Intuit's maximum operations per batch request
IN_CHUNK = 100   # values per `IN (...)` lookup


@dataclass
class Pending:
    record: object
    local_type: str
    qtype: str
    body: dict
    digest: str
    link: object | None
    matched: bool = False  # linked to an existing QuickBooks record by the bulk lookup


class BatchPusher:
    def __init__(self, pusher: OnlinePusher):
        self.pusher = pusher
        self.client = pusher.client

    def push_wave(self, records: list, wave_no: int) -> dict[tuple[str, int], Outcome | Exception]:
        """Push one wave; returns an Outcome or the exception per (local_type, id)."""
        results: dict[tuple[str, int], Outcome | Exception] = {}
        pending: list[Pending] = []
        for record in records:
            key = (rules.local_type_of(record), record.id)
            try:
                item = self._prepare(record)
            except Exception as exc:  # noqa: BLE001 - the engine reports (or re-raises) it per record
                results[key] = exc
                continue
            if isinstance(item, Outcome):
                results[key] = item
            else:
                pending.append(item)
        self._match_in_bulk([p for p in pending if p.link is None])
        db.session.commit()
        writes = []
        for p in pending:
            key = (p.local_type, p.record.id)
            if p.link is not None and p.link.pushed_hash == p.digest:
                results[key] = Outcome("linked" if p.matched else "unchanged", p.link.quickbooks_id)
            else:
                writes.append(p)
        for start in range(0, len(writes), BATCH_SIZE):
            chunk = writes[start:start + BATCH_SIZE]
            results.update(self._send(chunk, wave_no, start // BATCH_SIZE))
            db.session.commit()  # what QuickBooks accepted is linked before the next request can fail
        return results

    def _prepare(self, record) -> Pending | Outcome:
        local_type = rules.local_type_of(record)
        body = mapping.body_for(record, self.pusher.settings, self.pusher.ref)
        link = links.for_record(record, self.pusher.realm)
        if link is not None and link.state != LinkState.linked:
            raise PushProblem("This record was deleted or made inactive in QuickBooks.",
                              "Choose Re-create in QuickBooks or Unlink on its QuickBooks panel.", "610")
        return Pending(record, local_type, mapping.online_type(record), body, body_hash(body), link)

    def _match_in_bulk(self, unlinked: list[Pending]) -> None:
        """Link records QuickBooks already has (invoice DocNumbers on the initial sync, names)."""
        by_type: dict[str, list[Pending]] = defaultdict(list)
        for p in unlinked:
            if NAME_FIELD.get(p.qtype) and p.body.get(NAME_FIELD[p.qtype]):
                by_type[p.qtype].append(p)
        for qtype, items in by_type.items():
            field = NAME_FIELD[qtype]
            found: dict[str, list[dict]] = defaultdict(list)
            values = sorted({p.body[field] for p in items})
            for start in range(0, len(values), IN_CHUNK):
                chunk = ", ".join(quote(v) for v in values[start:start + IN_CHUNK])
                for row in self.client.query(f"SELECT * FROM {qtype} WHERE {field} IN ({chunk}) MAXRESULTS 1000"):
                    found[row.get(field, "")].append(row)
            for p in items:
                for row in found.get(p.body[field], []):
                    if qtype == "Customer" and p.local_type == "project" and \
                            (row.get("ParentRef") or {}).get("value") != p.body["ParentRef"]["value"]:
                        continue
                    if qtype == "Customer" and p.local_type == "customer" and row.get("Job"):
                        continue
                    if links.find_remote(self.pusher.company_id, self.pusher.realm, qtype, row["Id"]) is None:
                        p.link = self.pusher._link(p.record, p.local_type, qtype, row, "")
                        p.matched = True
                        if OnlinePusher._same(qtype, row, p.body):
                            p.link.pushed_hash = p.digest
                        break

    def _send(self, chunk: list[Pending], wave_no: int, chunk_no: int) -> dict:
        items = []
        for n, p in enumerate(chunk):
            bid = f"{n}-{p.local_type}-{p.record.id}"
            if p.link is None:
                items.append({"bId": bid, "operation": "create", p.qtype: p.body})
            else:
                items.append({"bId": bid, "operation": "update",
                              p.qtype: dict(p.body, Id=p.link.quickbooks_id, SyncToken=p.link.version, sparse=True)})
        digest = hashlib.sha256(repr([(i["bId"], i["operation"]) for i in items]).encode()).hexdigest()[:12]
        salt = self.pusher.run.options.get("salt", "")
        request_id = f"cc{self.pusher.run.id}{salt}w{wave_no}c{chunk_no}{digest}"[:36]
        answers = self.client.batch(items, request_id)
        results = {}
        for item, p in zip(items, chunk):
            key = (p.local_type, p.record.id)
            answer = answers.get(item["bId"])
            if answer is None:
                results[key] = PushProblem("QuickBooks did not answer for this record in the batch.",
                                           "Press Sync again; it is matched before anything is created.")
            elif "Fault" in answer:
                results[key] = self._after_fault(p, from_fault(answer["Fault"]))
            else:
                obj = answer[p.qtype]
                self.pusher._link(p.record, p.local_type, p.qtype, obj, p.digest)
                action = "linked" if p.matched else ("created" if p.link is None else "updated")
                results[key] = Outcome(action, obj["Id"], p.body)
        return results

    def _after_fault(self, p: Pending, error) -> Outcome | Exception:
        # These need a read or a lookup first: the one-record path knows how.
        if isinstance(error, (StaleObject, DuplicateName, DuplicateDocNumber)):
            try:
                return self.pusher.push(p.record)
            except Exception as exc:  # noqa: BLE001 - reported per record by the engine
                return exc
        return error
