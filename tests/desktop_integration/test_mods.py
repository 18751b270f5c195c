"""A linked bill changed here is modified in QuickBooks Desktop (BillMod), not added a second time."""
from __future__ import annotations

from decimal import Decimal

from tests.desktop_integration.conftest import events, wait_for_run
from webapp.extensions import db
from webapp.models import Link, QueueEntry, RunStatus


def test_bill_changed_locally_is_modified_in_quickbooks(desktop_company, qbd, make_vendor, make_bill):
    setup = desktop_company()
    vendor = make_vendor(company=setup.company, name="Summit Lumber Supply")
    bill = make_bill(company=setup.company, vendor=vendor, amounts=("100.00", "25.25"), reference="SL-501")
    book = qbd()
    run = setup.queued(setup.sync("push", "bill", bill))
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    assert run.status == RunStatus.succeeded, "\n".join(events(run.id))
    [first] = book.records("Bill")
    assert first["AmountDue"] == "125.25"

    bill.lines[0].amount = Decimal("180.00")
    bill.recalculate()
    db.session.commit()
    run = setup.queued(setup.sync("push", "bill", bill))
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    # the vendor and job it refers to are unchanged (skipped); the bill itself is updated
    assert run.status == RunStatus.succeeded, "\n".join(events(run.id))
    assert run.counts.get("updated") == 1 and "created" not in run.counts
    [modded] = book.records("Bill")  # the same bill, not a second one
    assert modded["TxnID"] == first["TxnID"]
    assert modded["AmountDue"] == "205.25" and modded["EditSequence"] != first["EditSequence"]
    assert [line["Amount"] for line in modded["ExpenseLineRet"]] == ["180.00", "25.25"]
    assert modded["VendorRef"]["FullName"] == "Summit Lumber Supply" and modded["RefNumber"] == "SL-501"
    link = db.session.query(Link).filter_by(local_type="bill", local_id=bill.id).one()
    assert link.quickbooks_id == first["TxnID"] and link.version == modded["EditSequence"]

    # someone saves the bill in QuickBooks just before our next Mod: 3200, re-read, sent again
    book.inject_fault("concurrent_edit")
    bill.lines[1].amount = Decimal("30.00")
    bill.recalculate()
    db.session.commit()
    run = setup.queued(setup.sync("push", "bill", bill))
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    assert run.status == RunStatus.succeeded and run.counts.get("updated") == 1, "\n".join(events(run.id))
    [modded] = book.records("Bill")
    assert modded["TxnID"] == first["TxnID"] and modded["AmountDue"] == "210.00"
    assert not book.pending_faults()
    [entry] = db.session.query(QueueEntry).filter_by(run_id=run.id, local_type="bill").all()
    assert entry.state.get("stale_retries") == 1  # the first BillMod met 3200

    # unchanged since: skipped by its hash, nothing sent
    run = setup.queued(setup.sync("push", "bill", bill))
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    assert run.status == RunStatus.succeeded and set(run.counts) == {"unchanged"}, "\n".join(events(run.id))
    assert len(book.records("Bill")) == 1 and book.records("Bill")[0]["EditSequence"] == modded["EditSequence"]
