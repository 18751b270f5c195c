"""QuickBooks bills into a contract: the spec's "Import bills from QuickBooks" on the Job Costs tab.

Two runs, both in workers: `fetch` lists the QuickBooks bills modified within the last 2 weeks whose
lines carry the project's job (job costing CustomerRef) and keeps them on the run (options
"candidates") for the checkbox list; `import_selected` re-reads each chosen bill (it may have changed
since) and creates a linked local bill: its vendor linked or added, its lines' accounts linked (by
name when not linked yet). A bill already linked is never imported twice.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Bill, BillLine, BillStatus, Link, Project, SyncRun
from webapp.models.base import utcnow
from webapp.quickbooks.online.client import quote
from webapp.quickbooks.online.errors import NotFound
from webapp.quickbooks.online.inbound import Inbound, Skip
from webapp.quickbooks.online.push import parse_time
from webapp.sync import links, runs

FETCH = "bills:fetch"
IMPORT = "bills:import"
WINDOW = timedelta(days=14)  # the spec: "modified within the last 2 weeks"
MONEY = Decimal("0.01")
LINE_DETAILS = ("AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail")


def job_quickbooks_id(ctx: Inbound, project: Project) -> str:
    """The QuickBooks customer the project's costs are booked to: its job, or the customer itself when
    jobs are not exported (what the push sends as the lines' CustomerRef)."""
    link = links.for_record(project, ctx.realm)
    if link is None and not ctx.settings.export_customer_jobs:
        link = links.for_record(project.customer, ctx.realm)
    if link is None:
        raise Skip("this project is not connected to a QuickBooks job yet: press Sync Job first")
    return link.quickbooks_id


def _job_lines(bill: dict, job_id: str) -> list[dict]:
    return [line for line in bill.get("Line") or [] if any(
        ((line.get(detail) or {}).get("CustomerRef") or {}).get("value") == job_id for detail in LINE_DETAILS)]


def fetch(ctx: Inbound, project: Project) -> None:
    job_id = job_quickbooks_id(ctx, project)
    since = utcnow() - WINDOW
    where = f"MetaData.LastUpdatedTime >= {quote(since.isoformat())}"
    ctx.run.progress_total = ctx.client.count("Bill", where)
    db.session.commit()
    candidates = []
    for page in ctx.client.query_all("Bill", where):
        for bill in page:
            lines = _job_lines(bill, job_id)
            if lines:
                candidates.append(_candidate(bill, lines))
        ctx.run.progress_done += len(page)
        db.session.commit()
    candidates.sort(key=lambda c: (c["date"], c["id"]), reverse=True)
    imported = sum(1 for c in candidates if imported_ids(ctx.company_id, ctx.realm, [c["id"]]))
    ctx.run.options = {**ctx.run.options, "candidates": candidates, "since": since.isoformat()}
    ctx.counts.update({"found": len(candidates), "already_imported": imported})
    ctx.note(f"{len(candidates)} QuickBooks bill(s) for this job modified since {since:%b %d, %Y} "
             f"({imported} already imported).")


def _candidate(bill: dict, lines: list[dict]) -> dict:
    return {"id": str(bill["Id"]), "doc_number": bill.get("DocNumber", ""), "date": bill.get("TxnDate", ""),
            "vendor": (bill.get("VendorRef") or {}).get("name", ""), "total": str(bill.get("TotalAmt", "")),
            "job_amount": str(sum(Decimal(str(line.get("Amount") or 0)) for line in lines).quantize(MONEY)),
            "updated": (bill.get("MetaData") or {}).get("LastUpdatedTime", "")}


def imported_ids(company_id: int, realm: str, quickbooks_ids: list[str]) -> set[str]:
    if not quickbooks_ids:
        return set()
    return set(db.session.scalars(select(Link.quickbooks_id).where(
        Link.company_id == company_id, Link.realm == realm, Link.quickbooks_type == "Bill",
        Link.quickbooks_id.in_(quickbooks_ids))))


def latest_fetch(company_id: int, project_id: int) -> SyncRun | None:
    return runs.latest_for(company_id, FETCH, project_id)


def import_selected(ctx: Inbound, project: Project) -> None:
    job_id = job_quickbooks_id(ctx, project)
    chosen = [str(i) for i in ctx.run.options.get("bill_ids", [])]
    ctx.run.progress_total = len(chosen)
    db.session.commit()
    for quickbooks_id in chosen:
        _import_one(ctx, project, job_id, quickbooks_id)
        ctx.run.progress_done += 1
        db.session.commit()


def _import_one(ctx: Inbound, project: Project, job_id: str, quickbooks_id: str) -> None:
    label = f"QuickBooks bill {quickbooks_id}"
    if imported_ids(ctx.company_id, ctx.realm, [quickbooks_id]):
        ctx.skipped(label, "already imported", local_type="bill")
        return
    try:
        bill = ctx.client.read("Bill", quickbooks_id)
    except NotFound:
        ctx.skipped(label, "it was deleted in QuickBooks", local_type="bill")
        return
    label = f"QuickBooks bill {bill.get('DocNumber') or quickbooks_id} from {bill['VendorRef'].get('name', '')}"
    lines = _job_lines(bill, job_id)
    if not lines:
        ctx.skipped(label, "none of its lines is for this job any more", local_type="bill")
        return
    try:
        vendor_id = _vendor(ctx, bill["VendorRef"]["value"])
        local = Bill(company_id=ctx.company_id, vendor_id=vendor_id, project_id=project.id,
                     bill_date=date.fromisoformat(bill["TxnDate"]) if bill.get("TxnDate") else date.today(),
                     due_date=date.fromisoformat(bill["DueDate"]) if bill.get("DueDate") else None,
                     reference=str(bill.get("DocNumber") or "")[:20], memo=str(bill.get("PrivateNote") or "")[:1000],
                     # Entered in the books already; paid when QuickBooks has no balance left on it.
                     status=BillStatus.paid if float(bill.get("Balance") or 0) == 0 else BillStatus.approved)
        for position, line in enumerate(lines):
            local.lines.append(_line(ctx, line, position))
    except Skip as exc:  # the bill was never added to the session: nothing to undo
        ctx.skipped(label, str(exc), local_type="bill")
        return
    local.recalculate()
    db.session.add(local)
    db.session.flush()
    links.save(ctx.company_id, ctx.realm, "online", "bill", local.id, "Bill", str(bill["Id"]),
               str(bill.get("SyncToken", "0")), parse_time((bill.get("MetaData") or {}).get("LastUpdatedTime")),
               ctx.push_hash(local))
    ctx.counts["imported"] += 1  # (a vendor or account added on the way counts as "added")
    other = len(bill.get("Line") or []) - len(lines)
    ctx.note(f"{label}: imported ({len(lines)} line(s), ${local.total:,.2f})"
             + (f"; {other} line(s) for other jobs were left out." if other else "."), record=local)


def _vendor(ctx: Inbound, quickbooks_id: str) -> int:
    vendor_id = ctx.local_id("Vendor", quickbooks_id)
    if vendor_id is None:
        link = links.find_remote(ctx.company_id, ctx.realm, "Vendor", quickbooks_id)
        if link is not None and link.local_type != "vendor":
            raise Skip("its vendor is a Contractors Cloud user (1099), not a vendor")
        ctx.apply("Vendor", ctx.client.read("Vendor", quickbooks_id), add=True)
        vendor_id = ctx.local_id("Vendor", quickbooks_id)
    if vendor_id is None:
        raise Skip("its vendor is inactive in QuickBooks")
    return vendor_id


def _account(ctx: Inbound, quickbooks_id: str) -> int:
    account_id = ctx.local_id("Account", quickbooks_id)
    if account_id is None:
        obj = ctx.client.read("Account", quickbooks_id)
        ctx.apply("Account", obj, add=True)  # linked by name, or added: accounts come from QuickBooks
        account_id = ctx.local_id("Account", quickbooks_id)
    if account_id is None:
        raise Skip(f"its account (QuickBooks Id {quickbooks_id}) is inactive in QuickBooks or not usable here")
    return account_id


def _line(ctx: Inbound, line: dict, position: int) -> BillLine:
    if "AccountBasedExpenseLineDetail" not in line:
        raise Skip("it has item-based lines (only account-based expense lines are job costs here)")
    detail = line["AccountBasedExpenseLineDetail"]
    class_id = ctx.local_id("Class", detail["ClassRef"]["value"]) if detail.get("ClassRef") else None
    return BillLine(position=position, account_id=_account(ctx, detail["AccountRef"]["value"]),
                    description=str(line.get("Description") or "")[:4000],
                    amount=Decimal(str(line.get("Amount") or 0)).quantize(MONEY), class_id=class_id,
                    billable=detail.get("BillableStatus") == "Billable")


__all__ = ["FETCH", "IMPORT", "fetch", "import_selected", "imported_ids", "latest_fetch"]
