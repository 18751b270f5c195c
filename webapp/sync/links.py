"""Links between local records and QuickBooks objects."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Link, LinkState
from webapp.models.base import utcnow


def find(company_id: int, realm: str, local_type: str, local_id: int) -> Link | None:
    return db.session.scalar(select(Link).where(Link.company_id == company_id, Link.realm == realm,
                                                Link.local_type == local_type, Link.local_id == local_id))


def find_remote(company_id: int, realm: str, quickbooks_type: str, quickbooks_id: str) -> Link | None:
    return db.session.scalar(select(Link).where(Link.company_id == company_id, Link.realm == realm,
                                                Link.quickbooks_type == quickbooks_type,
                                                Link.quickbooks_id == quickbooks_id))


def for_record(record, realm: str) -> Link | None:
    from webapp.sync.rules import local_type_of

    return find(record.company_id, realm, local_type_of(record), record.id)


def save(company_id: int, realm: str, backend: str, local_type: str, local_id: int, quickbooks_type: str,
         quickbooks_id: str, version: str, updated_at: datetime | None, pushed_hash: str = "") -> Link:
    link = find(company_id, realm, local_type, local_id)
    if link is None:
        link = Link(company_id=company_id, realm=realm, backend=backend, local_type=local_type, local_id=local_id)
        db.session.add(link)
    link.quickbooks_type, link.quickbooks_id, link.version = quickbooks_type, str(quickbooks_id), str(version)
    link.quickbooks_updated_at = updated_at
    link.state = LinkState.linked
    if pushed_hash:
        link.pushed_hash = pushed_hash
    link.last_synced_at = utcnow()
    db.session.flush()
    return link
