"""Importing QuickBooks Desktop bills into a Job Contract (the Job Costs tab).

The spec's flow: "first send a bill import request to the web connector and run the connector.
Then check the bills related to the Customer:Job within the list and click Import."

    started = request_import(project, user_id)     # queues a BillQuery (modified in the last 14 days)
    found = candidates(project)                    # after the Web Connector ran: the job's bills
    result = import_selected(project, [txn_id, ...], user_id)

Imported bills are linked to their QuickBooks TxnID, so they are never sent back as new bills, and
importing the same bill twice does nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Bill, BillLine, BillStatus, EntryStatus, FinancialAccount, Project, QueueEntry, RunStatus, SyncRun, Vendor,
    VendorKind,
)
from webapp.quickbooks.desktop import queue as desktop_queue
from webapp.quickbooks.settings import backend_and_realm, for_company
from webapp.sync import links, runs

TARGET = "job_bills"


@dataclass
class Candidate:
    txn_id: str
    vendor: str
    date: str
    ref_number: str
    amount: Decimal
    memo: str
    paid: bool
    imported_bill_id: int | None  # already here (linked)
    lines: list[dict] = field(default_factory=list)
    vendor_ref: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    imported: list[Bill] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def request_import(project: Project, user_id: int | None) -> runs.Started:
    """Queue the bill import request for the Web Connector (one active request per job)."""
    return runs.start(project.company_id, desktop_queue.IMPORT_KIND, TARGET, project.id,
                      f"Bill import for {project.title}", user_id=user_id, backend="desktop")


def latest_request(project: Project) -> SyncRun | None:
    return runs.latest_for(project.company_id, TARGET, project.id)


def candidates(project: Project) -> list[Candidate]:
    """The job's bills from the latest completed request, newest first; empty before one completed."""
    run = db.session.scalar(select(SyncRun).where(
        SyncRun.company_id == project.company_id, SyncRun.target_type == TARGET, SyncRun.target_id == project.id,
        SyncRun.status == RunStatus.succeeded).order_by(SyncRun.id.desc()).limit(1))
    if run is None:
        return []
    settings = for_company(project.company_id)
    _backend, realm = backend_and_realm(settings)
    found: dict[str, Candidate] = {}
    for entry in db.session.scalars(select(QueueEntry).where(QueueEntry.run_id == run.id,
                                                             QueueEntry.status == EntryStatus.done)):
        for bill in entry.state.get("bills", []):
            link = links.find_remote(project.company_id, realm, "Bill", bill["txn_id"])
            found[bill["txn_id"]] = Candidate(
                txn_id=bill["txn_id"], vendor=bill["vendor"].get("FullName", ""), date=bill["date"],
                ref_number=bill["ref_number"], memo=bill["memo"], paid=bill["paid"],
                amount=sum((Decimal(line["amount"] or "0") for line in bill["lines"]), Decimal("0.00")),
                imported_bill_id=link.local_id if link else None, lines=bill["lines"], vendor_ref=bill["vendor"])
    return sorted(found.values(), key=lambda c: (c.date, c.txn_id), reverse=True)


def import_selected(project: Project, txn_ids: list[str], user_id: int | None = None) -> ImportResult:
    """Create the checked bills on the job (with their vendor and accounts), linked to QuickBooks."""
    settings = for_company(project.company_id)
    _backend, realm = backend_and_realm(settings)
    wanted = set(txn_ids)
    result = ImportResult()
    for candidate in candidates(project):
        if candidate.txn_id not in wanted:
            continue
        if candidate.imported_bill_id is not None:
            result.skipped.append(f"Bill {candidate.ref_number or candidate.txn_id} is already imported.")
            continue
        bill = _create(project, candidate, realm)
        if isinstance(bill, str):
            result.skipped.append(bill)
            continue
        links.save(project.company_id, realm, "desktop", "bill", bill.id, "Bill", candidate.txn_id, "", None)
        result.imported.append(bill)
    db.session.commit()
    return result


def _create(project: Project, candidate: Candidate, realm: str) -> Bill | str:
    vendor = _vendor(project.company_id, realm, candidate)
    lines = []
    for position, line in enumerate(candidate.lines):
        account = _account(project.company_id, realm, line["account"])
        if account is None:
            name = line["account"].get("FullName", "?")
            return (f"Bill {candidate.ref_number or candidate.txn_id}: the account “{name}” is not in Contractors "
                    "Cloud. Import accounts from QuickBooks Desktop first.")
        lines.append(BillLine(position=position, account_id=account.id, description=line.get("memo", "")[:4000],
                              amount=Decimal(line["amount"] or "0"), billable=bool(line.get("billable"))))
    bill = Bill(company_id=project.company_id, vendor_id=vendor.id, project_id=project.id,
                bill_date=dt.date.fromisoformat(candidate.date), reference=candidate.ref_number[:20],
                memo=candidate.memo[:1000], status=BillStatus.paid if candidate.paid else BillStatus.approved,
                lines=lines)
    bill.recalculate()
    db.session.add(bill)
    db.session.flush()
    return bill


def _vendor(company_id: int, realm: str, candidate: Candidate) -> Vendor:
    """The linked vendor, else the one with the same name (then linked), else a new one."""
    ref = candidate.vendor_ref
    link = links.find_remote(company_id, realm, "Vendor", ref.get("ListID", "")) if ref.get("ListID") else None
    vendor = db.session.get(Vendor, link.local_id) if link is not None else None
    if vendor is None:
        vendor = db.session.scalar(select(Vendor).where(Vendor.company_id == company_id,
                                                        Vendor.name == candidate.vendor[:100]))
    if vendor is None:
        vendor = Vendor(company_id=company_id, name=candidate.vendor[:100] or "QuickBooks vendor",
                        kind=VendorKind.vendor)
        db.session.add(vendor)
        db.session.flush()
    if link is None and ref.get("ListID") and links.find(company_id, realm, "vendor", vendor.id) is None:
        links.save(company_id, realm, "desktop", "vendor", vendor.id, "Vendor", ref["ListID"], "", None)
    return vendor


def _account(company_id: int, realm: str, ref: dict) -> FinancialAccount | None:
    link = links.find_remote(company_id, realm, "Account", ref.get("ListID", ""))
    if link is not None:
        return db.session.get(FinancialAccount, link.local_id)
    return db.session.scalar(select(FinancialAccount).where(FinancialAccount.company_id == company_id,
                                                            FinancialAccount.name == ref.get("FullName", "")))
