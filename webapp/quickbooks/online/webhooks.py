"""QuickBooks Online webhooks: verify, parse (legacy and CloudEvents), hand to a worker, apply.

The endpoint answers within QuickBooks' 3 seconds by only recording a run per company and enqueueing
it. The worker then reads each notified object's CURRENT state by id and applies it with the
conflict rule, so repeated, late and out-of-order deliveries all end in the same state. A lost
delivery is caught by the CDC catch-up (webapp.quickbooks.online.cdc).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ConnectionStatus, QuickBooksSettings, QuickBooksType, RunStatus, SyncRun
from webapp.quickbooks.online.cdc import ENTITIES
from webapp.quickbooks.online.errors import NotFound
from webapp.quickbooks.online.inbound import Inbound
from webapp.sync import runs


OPERATIONS = {"created": "Create", "updated": "Update", "deleted": "Delete", "voided": "Void", "merged": "Merge"}
BY_LOWER = {name.lower(): name for name in ENTITIES}


@dataclass(frozen=True)
class Change:
    realm: str
    entity: str
    id: str
    operation: str


def signature_ok(body: bytes, signature: str) -> bool:
    """intuit-signature = base64(HMAC-SHA256(verifier token, raw body)), compared in constant time.
    No verifier configured: nothing is trusted."""
    verifier = current_app.config.get("QBO_WEBHOOK_VERIFIER", "")
    if not verifier or not signature:
        return False
    expected = base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def parse(body: bytes) -> list[Change]:
    """Both formats: {"eventNotifications": [...]} (legacy) and a JSON array of CloudEvents."""
    payload = json.loads(body)
    changes: list[Change] = []
    if isinstance(payload, dict):
        for note in payload.get("eventNotifications") or []:
            realm = str(note.get("realmId", ""))
            for entity in (note.get("dataChangeEvent") or {}).get("entities") or []:
                changes.append(Change(realm, str(entity.get("name", "")), str(entity.get("id", "")),
                                      str(entity.get("operation", ""))))
    elif isinstance(payload, list):
        for event in payload:
            # type: qbo.<entity>.<verb>.v1
            parts = str(event.get("type", "")).split(".")
            entity = BY_LOWER.get(parts[1], parts[1]) if len(parts) > 2 else ""
            verb = OPERATIONS.get(parts[2], "Update") if len(parts) > 2 else ""
            changes.append(Change(str(event.get("intuitaccountid", "")), entity, str(event.get("intuitentityid", "")),
                                  verb))
    else:
        raise ValueError("not a QuickBooks notification")
    return [c for c in changes if c.realm and c.entity and c.id]


def accept(changes: list[Change]) -> list[SyncRun]:
    """One run per company connected to a notified realm (unknown realms are ignored)."""
    by_realm: dict[str, list[Change]] = {}
    for change in changes:
        if change.entity in ENTITIES:
            by_realm.setdefault(change.realm, []).append(change)
    started = []
    for realm, realm_changes in by_realm.items():
        companies = db.session.scalars(select(QuickBooksSettings).where(
            QuickBooksSettings.realm_id == realm, QuickBooksSettings.quickbooks_type == QuickBooksType.online,
            QuickBooksSettings.enabled.is_(True))).all()
        for settings in companies:
            if settings.connection is None or settings.connection.status != ConnectionStatus.connected:
                continue
            started.append(_start(settings.company_id, realm_changes))
    return started


def _start(company_id: int, changes: list[Change]) -> SyncRun:
    """Every delivery gets its own run (a notification is never merged into one already being
    processed, which may have read the objects before this change)."""
    entities = [{"entity": c.entity, "id": c.id, "operation": c.operation} for c in changes]
    what = ", ".join(f"{c.entity} {c.id} ({c.operation})" for c in changes[:5])
    more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
    run = SyncRun(company_id=company_id, kind="webhook", backend="online", target_type="webhook",
                  target_label=f"QuickBooks notification: {what}{more}"[:300], status=RunStatus.queued,
                  options={"entities": entities})
    db.session.add(run)
    db.session.commit()
    runs.event(run, "Received from QuickBooks; queued.")
    runs.dispatch(run)
    return run


def process(ctx: Inbound) -> None:
    """Read each notified object as it is NOW and apply it (order of delivery does not matter)."""
    latest: dict[tuple[str, str], dict] = {}
    for item in ctx.run.options.get("entities", []):
        latest[(item["entity"], item["id"])] = item
    for name in ENTITIES:
        for (entity, entity_id) in [k for k in latest if k[0] == name]:
            try:
                obj = ctx.client.read(entity, entity_id)
            except NotFound:
                obj = {"Id": entity_id, "status": "Deleted"}
            ctx.apply(entity, obj)
            db.session.commit()
