"""`/cdc`: everything of the given entity types changed since a moment, tombstones included.

Look-back is at most 30 days and a response carries at most 1000 objects (oldest changes first,
so a client that resumes from the last LastUpdatedTime it saw makes progress). TaxCode and TaxRate
are refused: Intuit does not cover them. Inactive name-list objects are reported (they changed);
deleted transactions come back as {"Id": .., "status": "Deleted"}.
"""
from __future__ import annotations

from datetime import timedelta

from . import faults
from .clock import parse_time
from .entities import SPECS

MAX_LOOKBACK = timedelta(days=30)
MAX_OBJECTS = 1000


def run_cdc(books, entities_param: str, changed_since: str) -> dict:
    names = [n.strip() for n in entities_param.split(",") if n.strip()]
    if not names:
        raise faults.required("entities")
    for name in names:
        if name not in SPECS:
            raise faults.QBFault("4000", "Invalid entity", f"CDC does not know entity {name!r}")
        if not SPECS[name].cdc:
            raise faults.QBFault("4000", "Unsupported entity for CDC",
                                 f"{name} is not supported by Change Data Capture; query it instead")
    if not changed_since:
        raise faults.required("changedSince")
    try:
        since = parse_time(changed_since)
    except ValueError:
        raise faults.QBFault("4000", "Invalid changedSince", f"Cannot parse changedSince {changed_since!r}")
    if since < books.clock.now() - MAX_LOOKBACK:
        raise faults.QBFault("4000", "Invalid changedSince",
                             "changedSince is more than 30 days in the past; run a full query instead")
    found = []
    for name in names:
        for doc in books.store.scan(books.realm, name) + books.store.tombstones(books.realm, name):
            updated = parse_time(doc["MetaData"]["LastUpdatedTime"])
            if updated >= since:
                found.append((updated, name, doc))
    found.sort(key=lambda row: row[0])
    found = found[:MAX_OBJECTS]
    by_entity: dict[str, list] = {}
    for _, name, doc in found:
        by_entity.setdefault(name, []).append(doc)  # immutable once stored; serialised as is
    query_responses = [{name: docs, "startPosition": 1, "maxResults": len(docs)}
                       for name in names if (docs := by_entity.get(name))]
    return {"CDCResponse": [{"QueryResponse": query_responses}]}
