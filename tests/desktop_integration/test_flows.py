"""End-to-end flows: Sync buttons, Sync Job and imports queue qbXML; the simulated Web Connector runs
the company's .qwc against a simulated QuickBooks company; the real worker applies the answers."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.desktop_integration.conftest import events, wait_for_run
from webapp.extensions import db
from webapp.models import (
    Bill, DesktopWatermark, EmploymentType, FinancialAccount, InvoiceItem, Link, ProjectAssignment,
    ResponsibilityRole, RunStatus, SyncRun, Vendor,
)
from webapp.quickbooks.desktop import bills as desktop_bills
from webapp.quickbooks.desktop import queue as desktop_queue


def names(book, kind):
    return sorted(r.get("FullName") or r.get("Name") for r in book.records(kind))


def finished(setup, run):
    return wait_for_run(run.id)


def test_sync_job_sends_everything_in_dependency_order(desktop_company, qbd, make_project, make_invoice,
                                                       make_payment, make_bill):
    setup = desktop_company("Desktop Builders")
    project = make_project(company=setup.company, number="J-100", address="9 Elm St")
    invoice = make_invoice(company=setup.company, project=project, number="INV-1")
    make_payment(invoice, company=setup.company)
    make_bill(company=setup.company, project=project, reference="B-77")
    run = setup.queued(setup.sync("sync_job", "job", project))
    assert run.status == RunStatus.running
    assert any(m.startswith("Queued for the Web Connector: 1 bill, 1 customer account") for m in events(run.id))

    book = qbd()
    report = setup.session(book)
    assert report.ok, report.errors
    assert report.last_percentage == 100
    run = finished(setup, run)
    log = "\n".join(events(run.id))
    assert run.status == RunStatus.succeeded, log
    assert run.progress_done == run.progress_total == 7

    customer = project.customer
    job_full_name = f"{customer.last_name}, {customer.first_name}:J-100 - 9 Elm St"
    assert job_full_name in names(book, "Customer")
    [qb_invoice] = book.records("Invoice")
    assert qb_invoice["RefNumber"] == "INV-1" and qb_invoice["CustomerRef"]["FullName"] == job_full_name
    assert qb_invoice["BalanceRemaining"] == "0.00"  # the payment was applied to it
    [qb_bill] = book.records("Bill")
    assert qb_bill["RefNumber"] == "B-77"
    assert qb_bill["ExpenseLineRet"][0]["CustomerRef"]["FullName"] == job_full_name
    # the log tells the story record by record: queued -> sent -> done
    for label in ("Customer account", "Job “J-100”", "Invoice “INV-1”", "Bill “B-77”"):
        lines = [m for m in events(run.id) if m.startswith(label)]
        assert "sent to the Web Connector" in lines[0] and "created in QuickBooks Desktop" in lines[-1], lines
    # dependency order: the customer went in an earlier message than the job, the job before the invoice
    order = [m.split(":")[0] for m in events(run.id) if "sent to the Web Connector" in m]
    assert order.index(f"Customer account “{customer.last_name}, {customer.first_name}”") < order.index("Job “J-100”") \
        < order.index("Invoice “INV-1”") < order.index("Payment #%d" % invoice.allocations[0].payment_id)
    links = db.session.scalars(select(Link).where(Link.company_id == setup.company.id)).all()
    assert {l.realm for l in links} == {setup.account.file_id}
    assert all(l.version for l in links)  # EditSequence kept for the next Mod

    # Sync Job again: nothing changed, nothing is sent, no duplicates
    again = setup.queued(setup.sync("sync_job", "job", project))
    report = setup.session(book)
    assert report.ok, report.errors
    again = finished(setup, again)
    assert again.status == RunStatus.succeeded
    assert again.counts == {"unchanged": 7}  # found unchanged before anything was sent
    assert len(book.records("Invoice")) == 1 and len(book.records("Bill")) == 1
    assert names(book, "Customer").count(job_full_name) == 1


def test_customer_sync_then_change_is_a_mod(desktop_company, qbd, make_customer):
    setup = desktop_company()
    customer = make_customer(company=setup.company, first_name="Ada", last_name="Lovelace", phone="555-0100",
                             company_name="Analytical Engines")
    run = setup.queued(setup.sync("push", "customer", customer))
    book = qbd()
    assert setup.session(book).ok
    assert finished(setup, run).status == RunStatus.succeeded
    qb = book.find_by_name("Customer", "Lovelace, Ada")
    assert qb["CompanyName"] == "Analytical Engines" and qb["Phone"] == "555-0100"
    edit_sequence = qb["EditSequence"]

    customer.phone = "555-0199"
    db.session.commit()
    run = setup.queued(setup.sync("push", "customer", customer))
    assert setup.session(book).ok
    run = finished(setup, run)
    assert run.status == RunStatus.succeeded and run.counts == {"updated": 1}
    qb = book.find_by_name("Customer", "Lovelace, Ada")
    assert qb["Phone"] == "555-0199" and qb["EditSequence"] != edit_sequence
    assert len(book.records("Customer")) == 3  # the two seeded customers and ours, once


def test_invoice_item_vendor_and_bill_sync(desktop_company, qbd, make_item, make_vendor, make_bill):
    setup = desktop_company()
    item = make_item(company=setup.company, name="Deck staining and sealing, two coats premium", rate="45.50")
    book = qbd()
    run = setup.queued(setup.sync("push", "invoice_item", item))
    assert setup.session(book).ok
    assert finished(setup, run).status == RunStatus.succeeded
    [ours] = [r for r in book.records("Item") if r["Name"].startswith("Deck staining")]
    assert len(ours["Name"]) <= 31  # Desktop's item name limit, shortened without collisions
    assert ours["SalesOrPurchase"]["Price"] == "45.50"
    assert ours["SalesOrPurchase"]["AccountRef"]["FullName"] == "Construction Income"

    vendor = make_vendor(company=setup.company, name="Rapid Electric LLC", is_1099=True)
    run = setup.queued(setup.sync("push", "vendor", vendor))
    assert setup.session(book).ok
    run = finished(setup, run)
    # the simulated company already has this vendor, unlinked: linked to it, not duplicated
    assert run.status == RunStatus.succeeded, "\n".join(events(run.id))
    assert names(book, "Vendor").count("Rapid Electric LLC") == 1
    assert book.find_by_name("Vendor", "Rapid Electric LLC")["IsVendorEligibleFor1099"] == "true"

    bill = make_bill(company=setup.company, vendor=vendor, amounts=("100.00", "25.25"))
    run = setup.queued(setup.sync("push", "bill", bill))
    assert setup.session(book).ok
    assert finished(setup, run).status == RunStatus.succeeded
    [qb_bill] = book.records("Bill")
    assert qb_bill["AmountDue"] == "125.25" and qb_bill["VendorRef"]["FullName"] == "Rapid Electric LLC"


def test_sales_rep_employee_and_invoice_sales_rep(desktop_company, qbd, make_project, make_invoice, make_user):
    setup = desktop_company(export_employees=True)
    project = make_project(company=setup.company, number="J-7")
    rep = make_user(company=setup.company, name="Sam Rivera", employment_type=EmploymentType.employee)
    db.session.add(ProjectAssignment(company_id=setup.company.id, project_id=project.id, user_id=rep.id,
                                     role=ResponsibilityRole.sales_rep))
    db.session.commit()
    invoice = make_invoice(company=setup.company, project=project, number="INV-77")
    run = setup.queued(setup.sync("push", "invoice", invoice))
    book = qbd()
    assert setup.session(book).ok
    run = finished(setup, run)
    assert run.status == RunStatus.succeeded, "\n".join(events(run.id))
    assert "Sam Rivera" in names(book, "Employee")
    [sales_rep] = book.records("SalesRep")
    assert sales_rep["Initial"] == "SR" and sales_rep["SalesRepEntityRef"]["FullName"] == "Sam Rivera"
    [qb_invoice] = book.records("Invoice")
    assert qb_invoice["SalesRepRef"]["FullName"] == "SR"


def test_import_accounts_and_items_then_run_the_web_connector(desktop_company, qbd, make_account):
    setup = desktop_company()
    mine = make_account(company=setup.company, name="Job Materials", number="")  # matched, then updated
    run = setup.queued(setup.import_("financial_account"))
    assert any("Queued for the Web Connector" in m for m in events(run.id)), events(run.id)
    book = qbd()
    assert setup.session(book).ok
    run = finished(setup, run)
    assert run.status == RunStatus.succeeded, "\n".join(events(run.id))
    accounts_here = {a.name: a for a in db.session.scalars(select(FinancialAccount).where(
        FinancialAccount.company_id == setup.company.id))}
    assert {"Checking", "Accounts Receivable", "Construction Income", "Utilities"} <= set(accounts_here)
    db.session.refresh(mine)
    assert mine.number == "1006" and accounts_here["Job Materials"].id == mine.id

    run = setup.queued(setup.import_("invoice_item"))
    assert setup.session(book).ok
    run = finished(setup, run)
    assert run.status == RunStatus.succeeded
    items = {i.name: i for i in db.session.scalars(select(InvoiceItem).where(
        InvoiceItem.company_id == setup.company.id))}
    assert items["Labor"].rate == Decimal("85.00")
    assert items["Labor"].income_account.name == "Construction Income"
    assert items["Consulting"].income_account.name == "Service Income"


def test_items_import_pages_through_an_iterator(desktop_company, qbd, monkeypatch):
    from webapp.quickbooks.desktop import imports

    monkeypatch.setattr(imports, "PAGE_SIZE", 1)
    setup = desktop_company()
    # Queued here rather than by the worker, so the small page size applies; the worker applies the pages.
    run = SyncRun(company_id=setup.company.id, kind="desktop_import", backend="desktop", target_type="invoice_item",
                  target_label="Import items")
    db.session.add(run)
    db.session.commit()
    assert desktop_queue.enqueue_run(run, setup.settings) == "queued"
    book = qbd()
    assert setup.session(book).ok
    run = finished(setup, run)
    assert run.status == RunStatus.succeeded, "\n".join(events(run.id))
    assert any("fetching the next page" in m for m in events(run.id))
    assert db.session.scalar(select(InvoiceItem.id).where(InvoiceItem.company_id == setup.company.id,
                                                          InvoiceItem.name == "Consulting"))


def test_bill_import_into_a_job_contract(desktop_company, qbd, make_project, make_account):
    setup = desktop_company()
    project = make_project(company=setup.company, number="J-55", address="1 Pine Rd")
    make_account(company=setup.company, name="Subcontractors")
    book = qbd()
    run = setup.queued(setup.sync("sync_job", "job", project))
    assert setup.session(book).ok and finished(setup, run).status == RunStatus.succeeded
    job = book.find_by_name("Customer", f"{project.customer.last_name}, {project.customer.first_name}:J-55 - 1 Pine Rd")
    # Bills entered in QuickBooks: one for this job, one for another customer
    from webapp.quickbooks.desktop import qbxml
    book.process(qbxml.build_message([
        qbxml.bill_add("a", {"VendorRef": "Home Supply Co", "RefNumber": "HS-1", "ExpenseLineAdd": [
            {"AccountRef": "Subcontractors", "Amount": "300", "CustomerRef": {"ListID": job["ListID"]},
             "BillableStatus": "Billable"}]}),
        qbxml.bill_add("b", {"VendorRef": "Home Supply Co", "RefNumber": "HS-2", "ExpenseLineAdd": [
            {"AccountRef": "Subcontractors", "Amount": "99", "CustomerRef": "Baker Residence"}]})]))

    assert desktop_bills.candidates(project) == []
    started = desktop_bills.request_import(project, setup.admin.id)
    request_run = setup.queued(started.run)
    assert setup.session(book).ok
    assert finished(setup, request_run).status == RunStatus.succeeded, "\n".join(events(request_run.id))
    [candidate] = desktop_bills.candidates(project)
    assert (candidate.ref_number, candidate.vendor, candidate.amount) == ("HS-1", "Home Supply Co", Decimal("300.00"))

    result = desktop_bills.import_selected(project, [candidate.txn_id], setup.admin.id)
    [bill] = result.imported
    assert bill.project_id == project.id and bill.total == Decimal("300.00") and bill.lines[0].billable
    assert db.session.get(Vendor, bill.vendor_id).name == "Home Supply Co"
    assert desktop_bills.candidates(project)[0].imported_bill_id == bill.id
    # importing again does nothing, and the imported bill is never sent back as a new one
    again = desktop_bills.import_selected(project, [candidate.txn_id], setup.admin.id)
    assert again.imported == [] and "already imported" in again.skipped[0]
    assert db.session.scalar(select(Bill.id).where(Bill.project_id == project.id, Bill.id != bill.id)) is None


def test_changes_made_in_quickbooks_come_back_for_linked_records(desktop_company, desktop_app, tmp_path,
                                                                 make_vendor):
    from sandbox.desktop.clock import ManualClock
    from sandbox.desktop.company import DesktopCompany
    from webapp.models.base import utcnow

    setup = desktop_company()
    vendor = make_vendor(company=setup.company, name="Oak Lumber", phone="555-1000")
    clock = ManualClock(utcnow())
    book = DesktopCompany(tmp_path / "polled.sqlite", clock=clock)
    run = setup.queued(setup.sync("push", "vendor", vendor))
    assert setup.session(book).ok and finished(setup, run).status == RunStatus.succeeded
    clock.advance(minutes=3)  # a QuickBooks user edits the vendor later
    book.edit(book.find_by_name("Vendor", "Oak Lumber")["ListID"], Phone="555-2000")

    desktop_app.config["QBWC_POLL_MINUTES"] = 0  # the poll is due now, with nothing else queued
    report = setup.session(book)
    assert report.ok, report.errors
    poll = db.session.scalar(select(SyncRun).where(SyncRun.company_id == setup.company.id, SyncRun.kind == "poll"))
    poll = finished(setup, poll)
    assert poll.status == RunStatus.succeeded, "\n".join(events(poll.id))
    db.session.refresh(vendor)
    assert vendor.phone == "555-2000"
    link = db.session.scalar(select(Link).where(Link.local_type == "vendor", Link.local_id == vendor.id))
    assert link.version == book.find_by_name("Vendor", "Oak Lumber")["EditSequence"]

    # nothing changed since: the next poll finds the vendor again (the watermark is inclusive) and
    # recognises QuickBooks' time as already applied
    report = setup.session(book)
    assert report.ok, report.errors
    polls = db.session.scalars(select(SyncRun).where(SyncRun.company_id == setup.company.id,
                                                     SyncRun.kind == "poll").order_by(SyncRun.id)).all()
    assert len(polls) == 2
    last = finished(setup, polls[-1])
    assert any("nothing new" in m for m in events(last.id)), events(last.id)
    watermark = db.session.scalar(select(DesktopWatermark).where(DesktopWatermark.company_id == setup.company.id,
                                                                 DesktopWatermark.object_type == "Vendor"))
    assert watermark.modified_since == clock.now()


def test_flask_sandbox_webconnector_run(desktop_company, desktop_app, make_project, monkeypatch):
    """The command a developer runs after pressing Sync Job: the company's own .qwc against a simulated
    company file under instance/qbd/."""
    from sandbox.desktop.company import DesktopCompany
    from webapp.quickbooks.desktop import simulator
    from tests.desktop_integration.conftest import PASSWORD

    setup = desktop_company("Cli Co")
    project = make_project(company=setup.company, number="J-CLI")
    run = setup.queued(setup.sync("sync_job", "job", project))
    # url_for builds the .qwc's AppURL from SERVER_NAME in tests; point it at the served app
    monkeypatch.setitem(desktop_app.config, "SERVER_NAME", desktop_app.config["APP_BASE_URL"].split("//")[1])
    db.session.commit()
    result = desktop_app.test_cli_runner().invoke(args=["sandbox", "webconnector", "run", "--company",
                                                        str(setup.company.id), "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "session completed" in result.output
    assert finished(setup, run).status == RunStatus.succeeded
    book = DesktopCompany(simulator.company_file(setup.company.id))
    assert any(c["Name"] == "J-CLI - 12 Oak St" for c in book.records("Customer"))
    assert simulator.remembered_password(setup.company.id) == PASSWORD  # the schedule can run it alone now
