"""Queries through the Web Connector: Import Accounts, Import Invoice Items, the bill import request of
a job, and the incremental change poll of the 2-way entities (Desktop has no webhooks).

"Click Import, then run the web connector": the import run queues the query now; the Web Connector
fetches it on its next session, and the answer updates matching records and adds new ones.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import current_app
from lxml import etree
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    AccountType, DesktopWatermark, EntryStatus, FinancialAccount, InvoiceItem, ItemType, Link, Project, QueueEntry,
    QuickBooksSettings, RunStatus, SyncRun, Term, TrackingClass, Vendor,
)
from webapp.models.base import utcnow
from webapp.quickbooks.desktop import errors, qbxml
from webapp.quickbooks.desktop import queue as desktop_queue
from webapp.sync import links, runs

PAGE_SIZE = 100
BILL_IMPORT_DAYS = 14  # the spec: "QuickBooks Bills that have been modified within the last 2 weeks"

# QuickBooks Desktop AccountType -> ours; NonPosting accounts (estimates, purchase orders) are skipped.
ACCOUNT_TYPES = {
    "Bank": AccountType.bank, "AccountsReceivable": AccountType.accounts_receivable,
    "OtherCurrentAsset": AccountType.other_current_asset, "FixedAsset": AccountType.fixed_asset,
    "OtherAsset": AccountType.other_asset, "AccountsPayable": AccountType.accounts_payable,
    "CreditCard": AccountType.credit_card, "OtherCurrentLiability": AccountType.other_current_liability,
    "LongTermLiability": AccountType.long_term_liability, "Equity": AccountType.equity,
    "Income": AccountType.income, "OtherIncome": AccountType.other_income,
    "CostOfGoodsSold": AccountType.cost_of_goods_sold, "Expense": AccountType.expense,
    "OtherExpense": AccountType.other_expense,
}
ITEM_TYPES = {"ItemServiceRet": ItemType.service, "ItemNonInventoryRet": ItemType.non_inventory}

# The 2-way entities polled for changes made in QuickBooks: local type -> (link type, query)
POLLED = {"project": ("Customer", "Customer"), "vendor": ("Vendor", "Vendor"),
          "invoice_item": ("ItemService", "Item"), "tracking_class": ("Class", "Class"),
          "term": ("StandardTerms", "Terms")}


def _xml(request: qbxml.Request) -> str:
    return request.to_xml()


# ---- enqueueing ---------------------------------------------------------------------------------

def enqueue(run: SyncRun, settings: QuickBooksSettings) -> str:
    if run.target_type == "financial_account":
        desktop_queue.add_query_entry(run, "import", "Account", _xml(qbxml.account_query("q", active_status="All")),
                                      "Import accounts")
    elif run.target_type == "invoice_item":
        desktop_queue.add_query_entry(run, "import", "Item", _xml(qbxml.item_query(
            "q", active_status="All", max_returned=PAGE_SIZE, iterator="Start")), "Import invoice items")
    else:
        problem = _bill_import_problem(run, settings)
        if problem:
            runs.event(run, problem, level="error", detail={"hint": "Press Sync Job first, run the Web Connector, "
                                                                    "then request the bill import again."})
            runs.finish(run, RunStatus.failed, problem)
            return "failed"
        job_id = _job_list_id(run, settings)
        since = (utcnow() - dt.timedelta(days=BILL_IMPORT_DAYS)).date()
        desktop_queue.add_query_entry(run, "bill_import", "Bill", _xml(qbxml.bill_query(
            "q", from_modified=since, include_line_items=True, max_returned=PAGE_SIZE, iterator="Start")),
            "Bills modified in QuickBooks in the last 2 weeks", state={"job": job_id, "bills": []})
    run.progress_total = 1
    runs.event(run, "Queued for the Web Connector: the request goes to QuickBooks Desktop the next time the Web "
                    "Connector runs; the results appear here when it has.")
    return "queued"


def _job_list_id(run: SyncRun, settings: QuickBooksSettings) -> str | None:
    from webapp.quickbooks.settings import backend_and_realm

    project = db.session.get(Project, run.target_id)
    _backend, realm = backend_and_realm(settings)
    target = project if settings.export_customer_jobs else project.customer
    link = links.for_record(target, realm)
    return link.quickbooks_id if link else None


def _bill_import_problem(run: SyncRun, settings: QuickBooksSettings) -> str | None:
    project = db.session.get(Project, run.target_id)
    if project is None or project.company_id != run.company_id:
        return "The contract no longer exists."
    if _job_list_id(run, settings) is None:
        return "This job is not in QuickBooks Desktop yet, so QuickBooks has no bills for it."
    return None


def start_poll(company_id: int, settings: QuickBooksSettings, realm: str, force: bool) -> SyncRun | None:
    """Queue incremental queries (FromModifiedDate watermark per type) for the 2-way entities that
    have links; None when nothing is linked or a poll is still under way."""
    from webapp.quickbooks.desktop import accounts

    account = accounts.ensure(company_id)
    minutes = float(current_app.config.get("QBWC_POLL_MINUTES", 60))
    if not force and account.last_poll_at and account.last_poll_at > utcnow() - dt.timedelta(minutes=minutes):
        return None
    types = [lt for lt, (qtype, _q) in POLLED.items() if db.session.scalar(select(Link.id).where(
        Link.company_id == company_id, Link.realm == realm, Link.local_type == lt).limit(1)) is not None]
    if not types:
        return None
    key = runs.active_key(company_id, "poll", "desktop_changes", None)
    if db.session.scalar(select(SyncRun.id).where(SyncRun.active_key == key)) is not None:
        return None
    run = SyncRun(company_id=company_id, kind="poll", backend="desktop", target_type="desktop_changes",
                  target_label="Changes made in QuickBooks Desktop", active_key=key, status=RunStatus.running,
                  started_at=utcnow(), attempts=1, options={})
    db.session.add(run)
    db.session.flush()
    for local_type in types:
        link_type, query = POLLED[local_type]
        since = _watermark(company_id, query) or _first_sync(company_id, realm, local_type)
        filters = {"from_modified": since.replace(microsecond=0), "active_status": "All"}
        if query + "Query" in qbxml.ITERATOR_QUERIES:
            filters.update(max_returned=PAGE_SIZE, iterator="Start")
        desktop_queue.add_query_entry(run, "poll", query, _xml(qbxml.query_request(query, "q", **filters)),
                                      f"Changes to {query.lower()} records", state={"local_type": local_type})
    run.progress_total = len(types)
    account.last_poll_at = utcnow()
    db.session.commit()
    runs.event(run, "Checking QuickBooks Desktop for changes to linked jobs, vendors, items, classes and terms.")
    return run


def _watermark(company_id: int, object_type: str) -> dt.datetime | None:
    mark = db.session.scalar(select(DesktopWatermark).where(DesktopWatermark.company_id == company_id,
                                                            DesktopWatermark.object_type == object_type))
    return mark.modified_since if mark else None


def _first_sync(company_id: int, realm: str, local_type: str) -> dt.datetime:
    first = db.session.scalar(select(Link.created_at).where(Link.company_id == company_id, Link.realm == realm,
                                                            Link.local_type == local_type)
                              .order_by(Link.created_at).limit(1))
    return first or utcnow()


def _advance_watermark(company_id: int, object_type: str, moment: dt.datetime) -> None:
    mark = db.session.scalar(select(DesktopWatermark).where(DesktopWatermark.company_id == company_id,
                                                            DesktopWatermark.object_type == object_type))
    if mark is None:
        db.session.add(DesktopWatermark(company_id=company_id, object_type=object_type, modified_since=moment))
    elif moment > mark.modified_since:
        mark.modified_since = moment


# ---- applying answers ---------------------------------------------------------------------------

def apply(entry: QueueEntry, rs: qbxml.QbxmlResponse, realm: str, settings: QuickBooksSettings) -> None:
    kind = errors.classify(rs.status_code)
    if kind not in ("ok", "no_match"):
        if rs.iterator_id is None and entry.request_xml and 'iterator="Continue"' in entry.request_xml \
                and kind == "not_found" and not entry.state.get("restarted"):
            # The iterator lapsed (a new session): start the query over rather than lose the pages.
            entry.request_xml = entry.state.get("start_xml", entry.request_xml)
            entry.state = {**entry.state, "restarted": True}
            entry.status = EntryStatus.queued
            return
        desktop_queue.finish_entry(entry, EntryStatus.error, "failed",
                                   f"QuickBooks Desktop refused the query ({rs.status_code}): {rs.status_message}",
                                   level="error", code=rs.status_code)
        return
    handler = {"import": _import_records, "poll": _poll_records, "bill_import": _bill_records}[entry.purpose]
    counts = handler(entry, rs.records, realm, settings)
    more = bool(rs.iterator_id) and (rs.iterator_remaining_count or 0) > 0
    if more:
        _continue(entry, rs)
    elif entry.purpose == "poll":
        newest = entry.state.get("newest")
        if newest:  # the whole iteration succeeded: only now may the watermark move
            _advance_watermark(entry.company_id, entry.qb_type, dt.datetime.fromisoformat(newest))
    words = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing new"
    desktop_queue.finish_entry(entry, EntryStatus.done, "imported" if entry.purpose != "poll" else "checked",
                               f"{len(rs.records)} record(s) from QuickBooks Desktop: {words}"
                               + ("; fetching the next page." if more else "."))


def _continue(entry: QueueEntry, rs: qbxml.QbxmlResponse) -> None:
    start = etree.fromstring(entry.request_xml.encode())
    start.set("requestID", "q")
    request = qbxml.continue_query(qbxml.Request(start.tag[:-2], "q", start), rs.iterator_id, "q")
    state = {**entry.state, "start_xml": entry.state.get("start_xml") or entry.request_xml}
    nxt = desktop_queue.add_query_entry(entry.run, entry.purpose, entry.qb_type, request.to_xml(),
                                        entry.label, state=state, wave=entry.wave)
    entry.run.progress_total += 1
    # A bill list keeps growing across pages; the last page's entry holds all of it.
    if entry.purpose == "bill_import":
        nxt.state = {**state, "bills": list(entry.state.get("bills", []))}
        entry.state = {**entry.state, "bills": []}


def _import_records(entry: QueueEntry, records: list[dict], realm: str, settings) -> dict[str, int]:
    if entry.qb_type == "Account":
        return _import_accounts(entry.company_id, records, realm)
    return _import_items(entry.company_id, records, realm)


def _upsert(company_id: int, realm: str, model, local_type: str, qb_type: str, ret: dict, name: str):
    """The local record linked to `ret`, else the one with the same name (then linked), else new."""
    link = links.find_remote(company_id, realm, qb_type, ret["ListID"])
    record = db.session.get(model, link.local_id) if link else None
    created = False
    if record is None:
        record = db.session.scalar(select(model).where(model.company_id == company_id, model.name == name))
    if record is None:
        record, created = model(company_id=company_id, name=name), True
        db.session.add(record)
    return record, created


def _link(company_id: int, realm: str, local_type: str, record, qb_type: str, ret: dict) -> None:
    db.session.flush()  # a new record needs its id
    links.save(company_id, realm, "desktop", local_type, record.id, qb_type, ret["ListID"], ret.get("EditSequence", ""),
               _time(ret.get("TimeModified")))


def _import_accounts(company_id: int, records: list[dict], realm: str) -> dict[str, int]:
    counts = {"added": 0, "updated": 0, "skipped": 0}
    for ret in records:
        account_type = ACCOUNT_TYPES.get(ret.get("AccountType", ""))
        if account_type is None:
            counts["skipped"] += 1
            continue
        name = ret.get("FullName") or ret.get("Name")
        record, created = _upsert(company_id, realm, FinancialAccount, "financial_account", "Account", ret, name[:100])
        record.name, record.account_type = name[:100], account_type
        record.number = (ret.get("AccountNumber") or record.number or "")[:20]
        record.description = (ret.get("Desc") or record.description or "")[:255]
        record.active = ret.get("IsActive", "true") == "true"
        _link(company_id, realm, "financial_account", record, "Account", ret)
        counts["added" if created else "updated"] += 1
    return counts


def _price(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _import_items(company_id: int, records: list[dict], realm: str) -> dict[str, int]:
    counts = {"added": 0, "updated": 0, "skipped": 0}
    for ret in records:
        item_type = ITEM_TYPES.get(ret["_type"])
        if item_type is None:  # inventory, groups, discounts...: not invoice items here
            counts["skipped"] += 1
            continue
        info = ret.get("SalesOrPurchase") or ret.get("SalesAndPurchase") or {}
        name = (ret.get("FullName") or ret.get("Name"))[:100]
        record, created = _upsert(company_id, realm, InvoiceItem, "invoice_item", "ItemService", ret, name)
        record.name, record.item_type = name, item_type
        record.description = info.get("Desc") or info.get("SalesDesc") or record.description or ""
        price = _price(info.get("Price") or info.get("SalesPrice"))
        if price is not None:
            record.rate = price
        account_ref = info.get("AccountRef") or info.get("IncomeAccountRef") or {}
        account = _local_account(company_id, realm, account_ref)
        if account is not None:
            record.income_account_id = account.id
        record.active = ret.get("IsActive", "true") == "true"
        _link(company_id, realm, "invoice_item", record, ret["_type"][:-3], ret)
        counts["added" if created else "updated"] += 1
    return counts


def _local_account(company_id: int, realm: str, ref: dict) -> FinancialAccount | None:
    if not ref:
        return None
    link = links.find_remote(company_id, realm, "Account", ref.get("ListID", ""))
    if link is not None:
        return db.session.get(FinancialAccount, link.local_id)
    return db.session.scalar(select(FinancialAccount).where(FinancialAccount.company_id == company_id,
                                                            FinancialAccount.name == ref.get("FullName", "")))


def _poll_records(entry: QueueEntry, records: list[dict], realm: str, settings) -> dict[str, int]:
    """Changes made in QuickBooks to linked records; the one updated last wins. Records created in
    QuickBooks are not imported by the poll (the spec's imports do that)."""
    local_type = entry.state["local_type"]
    counts = {"updated here": 0, "kept ours": 0}
    newest = entry.state.get("newest")
    for ret in records:
        modified = _time(ret.get("TimeModified"))
        if modified and (newest is None or modified.isoformat() > newest):
            newest = modified.isoformat()
        link = links.find_remote(entry.company_id, realm, POLLED[local_type][0] if local_type != "invoice_item"
                                 else ret["_type"][:-3], ret["ListID"])
        if link is None or link.local_type != local_type:
            continue
        if link.quickbooks_updated_at and modified and modified <= link.quickbooks_updated_at:
            continue  # our own change coming back
        record = db.session.get(desktop_queue.model_for(local_type), link.local_id)
        if record is None:
            continue
        changed_here = link.last_synced_at and record.updated_at > link.last_synced_at
        if changed_here and modified and record.updated_at > modified:
            counts["kept ours"] += 1  # changed here after QuickBooks: the next Sync sends ours
            continue
        _apply_change(record, local_type, ret)
        db.session.flush()
        link.version, link.quickbooks_updated_at, link.pushed_hash = ret.get("EditSequence", ""), modified, ""
        link.last_synced_at = utcnow()
        counts["updated here"] += 1
    entry.state = {**entry.state, "newest": newest}
    return counts


def _apply_change(record, local_type: str, ret: dict) -> None:
    active = ret.get("IsActive", "true") == "true"
    if isinstance(record, Vendor):
        record.phone = (ret.get("Phone") or record.phone)[:40]
        record.email = (ret.get("Email") or record.email)[:255]
        record.active = active
    elif isinstance(record, InvoiceItem):
        info = ret.get("SalesOrPurchase") or ret.get("SalesAndPurchase") or {}
        record.description = info.get("Desc") or info.get("SalesDesc") or record.description
        price = _price(info.get("Price") or info.get("SalesPrice"))
        if price is not None:
            record.rate = price
        record.active = active
    elif isinstance(record, TrackingClass):
        record.active = active
    elif isinstance(record, Term):
        record.due_days = int(ret.get("StdDueDays") or record.due_days)
        record.active = active
    # Jobs: their QuickBooks name is derived from the contract (Customer Job Format), so only the
    # link's EditSequence is refreshed; a later Mod then does not meet 3200.


def _bill_records(entry: QueueEntry, records: list[dict], realm: str, settings) -> dict[str, int]:
    """Keep the bills with an expense line charged to the job (BillQuery cannot filter by line)."""
    job = entry.state.get("job")
    kept = list(entry.state.get("bills", []))
    for ret in records:
        lines = ret.get("ExpenseLineRet", [])
        if not any((line.get("CustomerRef") or {}).get("ListID") == job for line in lines):
            continue
        kept.append({"txn_id": ret["TxnID"], "vendor": ret.get("VendorRef", {}),
                     "date": ret.get("TxnDate", ""), "due_date": ret.get("DueDate", ""),
                     "ref_number": ret.get("RefNumber", ""), "memo": ret.get("Memo", ""),
                     "paid": ret.get("IsPaid", "false") == "true", "modified": ret.get("TimeModified", ""),
                     "lines": [{"account": line.get("AccountRef", {}), "amount": line.get("Amount", "0"),
                                "memo": line.get("Memo", ""), "billable": line.get("BillableStatus") == "Billable",
                                "for_job": (line.get("CustomerRef") or {}).get("ListID") == job}
                               for line in lines]})
    entry.state = {**entry.state, "bills": kept}
    return {"bills for this job": len(kept)}


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
