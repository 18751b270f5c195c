"""`/batch`: up to 30 operations in one request, each succeeding or failing on its own.

Items run one after another against the company, but an item cannot see what an earlier item of
the same batch created (as on Intuit): objects created in this batch are hidden from later items'
references, reads, updates and queries. Name and DocNumber uniqueness still sees them, so a batch
cannot create two customers with one name. Responses come back in request order; Intuit does not
promise an order, so clients must correlate on `bId`.
"""
from __future__ import annotations

from . import faults
from .entities import SPECS

MAX_ITEMS = 30
MAX_BATCH_REQUEST_ID = 36


def run_batch(books, body: dict, run_query) -> dict:
    items = body.get("BatchItemRequest")
    if not isinstance(items, list) or not items:
        raise faults.required("BatchItemRequest")
    if len(items) > MAX_ITEMS:
        # UNCONFIRMED code; Intuit rejects the whole request.
        raise faults.QBFault("1001", "Batch request exceeds the limit",
                             f"Number of items in a batch request must not exceed {MAX_ITEMS}; got {len(items)}")
    seen_bids: set[str] = set()
    responses = []
    created_here: set[tuple[str, str]] = set()
    for item in items:
        bid = str(item.get("bId", ""))
        try:
            if not bid:
                raise faults.required("bId")
            if bid in seen_bids:
                raise faults.business(f"Duplicate bId {bid}")
            seen_bids.add(bid)
            responses.append(dict(bId=bid, **_run_item(books, item, run_query, created_here)))
        except faults.QBFault as exc:
            responses.append({"bId": bid, "Fault": exc.fault_only()})
    return {"BatchItemResponse": responses}


def _run_item(books, item: dict, run_query, created_here: set) -> dict:
    if "Query" in item:
        books.hidden = set(created_here)
        return {"QueryResponse": run_query(books, item["Query"])}
    entities = [k for k in item if k in SPECS]
    if len(entities) != 1:
        raise faults.business("A batch item needs exactly one entity object or a Query")
    entity = entities[0]
    body = item[entity]
    operation = str(item.get("operation", "create")).lower()
    options = {p.strip().lower() for p in str(item.get("optionsData", "")).split(",") if p.strip()}
    allow_dup = "allowduplicatedocnum" in options
    books.hidden = set(created_here)
    if operation == "create":
        doc = books.create(entity, body, allow_dup)
        created_here.add((entity, doc["Id"]))
        return {entity: doc}
    if operation == "update":
        return {entity: books.update(entity, body, allow_dup)}
    if operation == "delete":
        return {entity: books.delete(entity, body)}
    if operation == "void":
        return {entity: books.void(entity, body)}
    raise faults.unsupported(f"Unsupported batch operation {operation}")
