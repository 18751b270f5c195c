"""Duplicates are never created: lost answers are recovered by querying, names in use are matched,
stale EditSequences re-read, locks retried, missing references sent first."""
from __future__ import annotations

import threading

from sqlalchemy import select

from tests.desktop_integration.conftest import PASSWORD, events, wait_for_run
from webapp.extensions import db
from webapp.models import EntryStatus, Link, LinkState, QueueEntry, RunStatus, SessionStatus, WebConnectorSession


def _one(book, kind, **match):
    found = [r for r in book.records(kind) if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def test_dropped_responses_are_recovered_by_query_never_re_added(desktop_company, desktop_app, qbd, make_project,
                                                                 make_invoice, make_payment):
    setup = desktop_company()
    project = make_project(company=setup.company, number="J-9")
    invoice = make_invoice(company=setup.company, project=project, number="INV-9")
    make_payment(invoice, company=setup.company)
    run = setup.queued(setup.sync("sync_job", "job", project))
    book = qbd()
    # QuickBooks applies the first message (the customer) and the one with the invoice, but the Web
    # Connector never delivers either answer.
    desktop_app.config["QBWC_IDLE_SECONDS"] = 0  # the dead session does not keep the company "busy"
    for _ in range(4):
        book.inject_fault("drop_response")
        report = setup.session(book)
        assert report.dropped_responses == 1 and not report.completed
    report = setup.session(book)
    assert report.ok, report.errors
    run = wait_for_run(run.id)
    log = "\n".join(events(run.id))
    assert run.status == RunStatus.succeeded, log
    assert "never delivered QuickBooks' answer" in log and "linked to it instead of adding it again" in log
    customer = project.customer
    _one(book, "Customer", Name=f"{customer.last_name}, {customer.first_name}")
    _one(book, "Customer", Name="J-9 - 12 Oak St")
    _one(book, "Invoice", RefNumber="INV-9")
    assert len(book.records("ReceivePayment")) == 1
    assert len(book.records("Item")) == 3  # the two seeded items and ours, once
    abandoned = db.session.scalars(select(WebConnectorSession).where(
        WebConnectorSession.company_id == setup.company.id,
        WebConnectorSession.status == SessionStatus.abandoned)).all()
    assert len(abandoned) == 4


def test_lock_errors_are_retried_later(desktop_company, qbd, make_customer):
    setup = desktop_company()
    customer = make_customer(company=setup.company)
    run = setup.queued(setup.sync("push", "customer", customer))
    book = qbd()
    book.inject_fault("lock", 2, status_code=3180)
    report = setup.session(book)
    assert report.ok, report.errors
    run = wait_for_run(run.id)
    log = "\n".join(events(run.id))
    assert run.status == RunStatus.succeeded, log
    assert log.count("QuickBooks is busy with this record (3180") == 2
    _one(book, "Customer", Name=f"{customer.last_name}, {customer.first_name}")


def test_name_in_use_by_the_same_kind_is_linked_not_duplicated(desktop_company, qbd, make_customer):
    setup = desktop_company()
    customer = make_customer(company=setup.company, first_name="", last_name="", company_name="Baker Residence")
    settings = setup.settings
    settings.customer_name_format = settings.customer_name_format.company_or_last_first
    db.session.commit()
    run = setup.queued(setup.sync("push", "customer", customer))
    book = qbd()
    seeded = book.find_by_name("Customer", "Baker Residence")
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    log = "\n".join(events(run.id))
    assert run.status == RunStatus.succeeded, log
    assert "already has “Baker Residence”" in log
    assert len([c for c in book.records("Customer") if c["Name"] == "Baker Residence"]) == 1
    link = db.session.scalar(select(Link).where(Link.local_type == "customer", Link.local_id == customer.id))
    assert link.quickbooks_id == seeded["ListID"]


def test_name_in_use_by_a_vendor_fails_with_a_hint(desktop_company, qbd, make_customer):
    setup = desktop_company()
    customer = make_customer(company=setup.company, first_name="", last_name="", company_name="Home Supply Co")
    settings = setup.settings
    settings.customer_name_format = settings.customer_name_format.company_or_last_first
    db.session.commit()
    run = setup.queued(setup.sync("push", "customer", customer))
    book = qbd()
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    assert run.status == RunStatus.failed
    error = next(e for e in run.events if e.level == "error" and e.entity_type == "customer")
    assert "already used in QuickBooks Desktop by another record" in error.message
    assert "Rename one of them" in error.detail["hint"]
    assert book.find_by_name("Customer", "Home Supply Co") is None


def test_stale_edit_sequence_is_re_read_and_the_mod_sent_once_more(desktop_company, qbd, make_customer):
    setup = desktop_company()
    customer = make_customer(company=setup.company, phone="555-0001")
    book = qbd()
    run = setup.queued(setup.sync("push", "customer", customer))
    assert setup.session(book).ok and wait_for_run(run.id).status == RunStatus.succeeded
    customer.phone = "555-0002"
    db.session.commit()
    run = setup.queued(setup.sync("push", "customer", customer))
    book.inject_fault("concurrent_edit")  # someone saves the customer in QuickBooks just before our Mod
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    log = "\n".join(events(run.id))
    assert run.status == RunStatus.succeeded, log
    assert "reading the current EditSequence" in log
    assert book.find_by_name("Customer", f"{customer.last_name}, {customer.first_name}")["Phone"] == "555-0002"


def test_missing_reference_re_checks_the_dependency(desktop_company, qbd, make_project, make_invoice):
    """The job was deleted in QuickBooks after it was linked: 3140 on the invoice, the job is checked,
    found gone, and the panel's Re-create / Unlink hint is shown instead of a blind retry."""
    setup = desktop_company()
    project = make_project(company=setup.company, number="J-3")
    book = qbd()
    run = setup.queued(setup.sync("push", "project", project))
    assert setup.session(book).ok and wait_for_run(run.id).status == RunStatus.succeeded
    link = db.session.scalar(select(Link).where(Link.local_type == "project", Link.local_id == project.id))
    link.quickbooks_id = "80009999-1700000000"  # what QuickBooks no longer has
    db.session.commit()
    invoice = make_invoice(company=setup.company, project=project, number="INV-3")
    run = setup.queued(setup.sync("push", "invoice", invoice))
    assert setup.session(book).ok
    run = wait_for_run(run.id)
    log = "\n".join(events(run.id))
    assert run.status == RunStatus.failed, log
    sending = next(m for m in events(run.id) if "Sending these first:" in m)
    assert "Job “J-3”" in sending
    job_error = next(e for e in run.events if e.entity_type == "project" and e.level == "error")
    assert "deleted or made inactive in QuickBooks Desktop" in job_error.message
    assert "Re-create in QuickBooks or Unlink" in job_error.detail["hint"]
    db.session.refresh(link)
    assert link.state == LinkState.deleted_in_quickbooks
    assert book.records("Invoice") == []


def test_enable_off_pauses_the_web_connector_queue(desktop_company, qbd, make_customer):
    setup = desktop_company()
    customer = make_customer(company=setup.company)
    run = setup.queued(setup.sync("push", "customer", customer))
    settings = setup.settings
    settings.enabled = False
    db.session.commit()
    book = qbd()
    report = setup.session(book)
    assert report.auth_status == "none" and report.ok
    assert db.session.scalar(select(QueueEntry.status).where(QueueEntry.run_id == run.id)) == EntryStatus.queued
    settings.enabled = True
    db.session.commit()
    assert setup.session(book).ok
    assert wait_for_run(run.id).status == RunStatus.succeeded


def test_two_companies_syncing_at_the_same_time_never_see_each_others_data(desktop_company, qbd, make_project,
                                                                           make_invoice):
    first, second = desktop_company("First Co"), desktop_company("Second Co")
    runs_ = []
    for setup, number in ((first, "A-1"), (second, "B-1")):
        project = make_project(company=setup.company, number=number)
        for n in range(3):
            make_invoice(company=setup.company, project=project, number=f"{number}-{n}")
        runs_.append(setup.queued(setup.sync("sync_job", "job", project)))
    books = {first.company.id: qbd("first"), second.company.id: qbd("second")}
    reports = {}
    qwcs = {s.company.id: s.qwc for s in (first, second)}
    db.session.commit()

    def session(company_id):
        from sandbox.desktop.webconnector import run_session

        reports[company_id] = run_session(qwcs[company_id], PASSWORD, books[company_id], wait=lambda s: None)

    threads = [threading.Thread(target=session, args=(s.company.id,)) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for setup, run in zip((first, second), runs_):
        report = reports[setup.company.id]
        assert report.ok, report.errors
        assert wait_for_run(run.id).status == RunStatus.succeeded
    assert reports[first.company.id].ticket != reports[second.company.id].ticket
    assert sorted(i["RefNumber"] for i in books[first.company.id].records("Invoice")) == ["A-1-0", "A-1-1", "A-1-2"]
    assert sorted(i["RefNumber"] for i in books[second.company.id].records("Invoice")) == ["B-1-0", "B-1-1", "B-1-2"]
    assert not [c for c in books[first.company.id].records("Customer") if c["Name"].startswith("B-1")]
    realms = {l.company_id: l.realm for l in db.session.scalars(select(Link))}
    assert realms[first.company.id] == first.account.file_id != realms[second.company.id]


def test_a_rejected_message_is_split_and_retried_alone(desktop_company, qbd, make_customer, monkeypatch):
    """0x80040400 fails a whole message; each request is sent alone before any is failed."""
    setup = desktop_company()
    customers = [make_customer(company=setup.company) for _ in range(2)]
    run_ids = [setup.queued(setup.sync("push", "customer", c)).id for c in customers]
    book = qbd()
    real_process = book.process
    calls = []

    def reject_first(xml):
        calls.append(xml)
        if len(calls) == 1:
            from sandbox.desktop.company import MessageRejected
            raise MessageRejected("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
        return real_process(xml)

    book.process = reject_first
    assert setup.session(book).ok
    assert [wait_for_run(i).status for i in run_ids] == [RunStatus.succeeded] * 2
    assert calls[0].count("<CustomerAddRq") == 2 and all(c.count("<CustomerAddRq") == 1 for c in calls[1:])
