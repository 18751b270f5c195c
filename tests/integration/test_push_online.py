"""Pushing records to the QuickBooks Online sandbox through a real RQ worker."""
from __future__ import annotations

import json
from datetime import date

from webapp.extensions import db
from webapp.models import AccountType, BillStatus, CustomerNameFormat, Link, RunStatus, SyncRun
from webapp.sync import runs
from tests.integration.conftest import wait_for_run


def _query(qbo, realm, statement):
    qb = qbo.quickbooks(realm)
    entity = statement.split(" FROM ")[1].split()[0]
    return qb.query(statement)["QueryResponse"].get(entity, [])


def _sync(company, local_type, record, user=None):
    started = runs.start(company.id, "push", local_type, record.id, f"{local_type} {record.id}",
                         user_id=user.id if user else None)
    return wait_for_run(started.run.id)


def test_sync_invoice_sends_customer_job_items_and_invoice(worker, qbo, connect_company, company, make_invoice,
                                                           make_customer, make_project):
    settings = connect_company()
    customer = make_customer(first_name="Dana", last_name="Whitaker", email="dana@example.com", phone="303-555-0101")
    project = make_project(customer=customer, number="P-7001", address="44 Birch Ln")
    invoice = make_invoice(project=project, number="7001", lines=(("2", "150.00"), ("1", "99.50")))

    run = _sync(company, "invoice", invoice)

    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    realm = settings.realm_id
    [qb_customer] = _query(qbo, realm, "SELECT * FROM Customer WHERE DisplayName = 'Whitaker, Dana'")
    assert qb_customer["PrimaryEmailAddr"]["Address"] == "dana@example.com"
    [qb_job] = _query(qbo, realm, "SELECT * FROM Customer WHERE DisplayName = 'P-7001 - 44 Birch Ln'")
    assert qb_job["Job"] is True and qb_job["ParentRef"]["value"] == qb_customer["Id"]
    [qb_invoice] = _query(qbo, realm, "SELECT * FROM Invoice WHERE DocNumber = '7001'")
    assert qb_invoice["CustomerRef"]["value"] == qb_job["Id"]
    assert float(qb_invoice["TotalAmt"]) == 399.50
    assert qb_invoice["PrintStatus"] == "NotSet"
    link = db.session.scalar(db.select(Link).where(Link.local_type == "invoice", Link.local_id == invoice.id))
    assert link.quickbooks_id == qb_invoice["Id"]
    messages = " ".join(e.message for e in run.events)
    assert "created in QuickBooks" in messages


def test_second_sync_sends_nothing_when_unchanged(worker, qbo, connect_company, company, make_invoice):
    settings = connect_company()
    invoice = make_invoice(number="7002")
    _sync(company, "invoice", invoice)
    qbo.control.clear_requests(settings.realm_id)
    run = _sync(company, "invoice", invoice)
    assert run.status == RunStatus.succeeded
    writes = [r for r in qbo.control.requests(settings.realm_id) if r["method"] == "POST"
              and "/query" not in r["path"]]
    assert writes == []
    assert run.counts.get("unchanged", 0) >= 3


def test_initial_sync_links_existing_invoice_by_doc_number(worker, qbo, connect_company, company, make_invoice):
    settings = connect_company()
    existing = _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '1001'")
    assert existing, "the small sandbox company has invoice 1001"
    invoice = make_invoice(number="1001")
    run = _sync(company, "invoice", invoice)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    assert len(_query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '1001'")) == 1
    link = db.session.scalar(db.select(Link).where(Link.local_type == "invoice", Link.local_id == invoice.id))
    assert link.quickbooks_id == existing[0]["Id"]


def test_no_duplicate_when_the_create_answer_is_lost(worker, qbo, connect_company, company, make_customer):
    settings = connect_company()
    customer = make_customer(first_name="Lost", last_name="Answer")
    # The sandbox applies the write, then drops the connection without answering.
    qbo.control.inject(settings.realm_id, "drop", count=1, after_write=True, method="POST", path_contains="/customer")
    run = _sync(company, "customer", customer)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    assert run.attempts == 2
    assert len(_query(qbo, settings.realm_id, "SELECT * FROM Customer WHERE DisplayName = 'Answer, Lost'")) == 1


def test_name_format_and_capitalization(worker, qbo, connect_company, company, make_customer):
    settings = connect_company(customer_name_format=CustomerNameFormat.first_last, capitalize=True)
    customer = make_customer(first_name="Rosa", last_name="Parks")
    assert _sync(company, "customer", customer).status == RunStatus.succeeded
    [found] = _query(qbo, settings.realm_id, "SELECT * FROM Customer WHERE DisplayName = 'ROSA PARKS'")
    assert found["GivenName"] == "ROSA"


def test_sync_after_date_refuses_older_contracts(worker, qbo, connect_company, company, make_invoice, make_project):
    connect_company(sync_after=date(2026, 6, 1))
    invoice = make_invoice(project=make_project(contract_date=date(2026, 1, 15)))
    run = _sync(company, "invoice", invoice)
    assert run.status == RunStatus.failed
    assert "before “Synchronize contracts after this date”" in run.error


def test_export_toggle_off_means_not_sent(worker, qbo, connect_company, company, make_payment, make_invoice):
    settings = connect_company(export_payments=False)
    payment = make_payment(make_invoice())
    run = _sync(company, "payment", payment)
    assert run.status == RunStatus.failed
    assert "Payment Export is off" in run.error
    assert not [r for r in qbo.control.requests(settings.realm_id) if "/payment" in r["path"]]


def test_enable_off_pauses_and_on_resumes(worker, qbo, connect_company, company, make_customer):
    settings = connect_company()
    settings.enabled = False
    db.session.commit()
    customer = make_customer(first_name="Paused", last_name="Person")
    started = runs.start(company.id, "push", "customer", customer.id, "Customer")
    assert started.run.status == RunStatus.paused
    settings.enabled = True
    db.session.commit()
    assert runs.resume_paused(company.id) == 1
    assert wait_for_run(started.run.id).status == RunStatus.succeeded


def test_one_active_run_per_record(app, connect_company, company, make_customer):
    settings = connect_company()
    settings.enabled = False  # keep the first run waiting
    db.session.commit()
    customer = make_customer()
    first = runs.start(company.id, "push", "customer", customer.id, "Customer")
    second = runs.start(company.id, "push", "customer", customer.id, "Customer")
    assert first.created and not second.created
    assert second.run.id == first.run.id
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 1


def test_payment_is_applied_to_the_invoice_and_uses_the_default_ar_account(worker, qbo, connect_company, company,
                                                                           make_invoice, make_payment, make_account):
    receivable = make_account(name="Accounts Receivable (A/R)", account_type=AccountType.accounts_receivable)
    settings = connect_company(default_ar_account_id=receivable.id)
    invoice = make_invoice(number="7300", lines=(("1", "500.00"),))
    payment = make_payment(invoice, amount="200.00", reference="CHK-88")
    run = _sync(company, "payment", payment)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    [qb_payment] = _query(qbo, settings.realm_id, "SELECT * FROM Payment")
    [qb_invoice] = _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '7300'")
    assert qb_payment["Line"][0]["LinkedTxn"][0]["TxnId"] == qb_invoice["Id"]
    assert float(qb_invoice["Balance"]) == 300.0
    [qb_ar] = _query(qbo, settings.realm_id, "SELECT * FROM Account WHERE Name = 'Accounts Receivable (A/R)'")
    assert qb_payment["ARAccountRef"]["value"] == qb_ar["Id"]


def test_bill_lines_carry_the_job_and_only_paid_bills_export(worker, qbo, connect_company, company, make_bill):
    settings = connect_company()
    draft = make_bill(status=BillStatus.draft)
    assert _sync(company, "bill", draft).status == RunStatus.failed
    bill = make_bill(status=BillStatus.paid, amounts=("120.00", "80.00"))
    run = _sync(company, "bill", bill)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    [qb_bill] = _query(qbo, settings.realm_id, "SELECT * FROM Bill")
    job_link = db.session.scalar(db.select(Link).where(Link.local_type == "project", Link.local_id == bill.project_id))
    details = [line["AccountBasedExpenseLineDetail"] for line in qb_bill["Line"]]
    assert {d["CustomerRef"]["value"] for d in details} == {job_link.quickbooks_id}
    assert float(qb_bill["TotalAmt"]) == 200.0


def test_stale_sync_token_is_reread_and_the_update_applied(worker, qbo, connect_company, company, make_customer):
    settings = connect_company()
    customer = make_customer(first_name="Stale", last_name="Token")
    assert _sync(company, "customer", customer).status == RunStatus.succeeded
    link = db.session.scalar(db.select(Link).where(Link.local_type == "customer"))
    qbo.control.edit(settings.realm_id, "Customer", link.quickbooks_id, {"Notes": "edited in QuickBooks"})
    customer.phone = "720-555-0199"
    db.session.commit()
    run = _sync(company, "customer", customer)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    qb_customer = qbo.control.read(settings.realm_id, "Customer", link.quickbooks_id)
    assert qb_customer["PrimaryPhone"]["FreeFormNumber"] == "720-555-0199"


def test_name_taken_by_a_vendor_fails_with_a_hint(worker, qbo, connect_company, company, make_customer):
    settings = connect_company()
    qbo.control.create(settings.realm_id, "Vendor", {"DisplayName": "Stone, Ada"})
    customer = make_customer(first_name="Ada", last_name="Stone")
    run = _sync(company, "customer", customer)
    assert run.status == RunStatus.failed
    error = next(e for e in run.events if e.level == "error")
    assert "already used by a QuickBooks vendor" in error.message
    assert "Customer Account Name Format" in error.detail["hint"]


def test_sync_job_sends_customer_job_invoices_payments_and_bills(worker, qbo, connect_company, company,
                                                                  make_project, make_invoice, make_payment, make_bill):
    settings = connect_company()
    project = make_project(number="P-9000", address="9 Elm St")
    invoice = make_invoice(project=project, number="9001")
    make_payment(invoice)
    make_bill(project=project)
    started = runs.start(company.id, "sync_job", "job", project.id, "Sync Job P-9000")
    run = wait_for_run(started.run.id)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    order = [e.entity_type for e in run.events if e.entity_type]
    assert order.index("customer") < order.index("project") < order.index("invoice") < order.index("payment")
    assert _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '9001'")
    assert len(_query(qbo, settings.realm_id, "SELECT * FROM Payment")) == 1
    assert len(_query(qbo, settings.realm_id, "SELECT * FROM Bill")) == 1


def test_sync_job_uses_batch_requests_in_waves_and_bulk_matching(worker, qbo, connect_company, company,
                                                                  make_project, make_invoice):
    settings = connect_company()
    project = make_project(number="P-9100", address="1 Batch Way")
    for n in range(12):
        make_invoice(project=project, number=str(9100 + n))
    make_invoice(project=project, number="1002")  # exists in the sandbox company: matched, not duplicated
    qbo.control.clear_requests(settings.realm_id)
    run = wait_for_run(runs.start(company.id, "sync_job", "job", project.id, "Sync Job P-9100").run.id)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    sent = qbo.control.requests(settings.realm_id)
    batches = [r for r in sent if r["path"].endswith("/batch")]
    single_writes = [r for r in sent if r["method"] == "POST" and not r["path"].endswith(("/batch", "/query"))]
    assert batches and single_writes == []
    assert all(r["query"].get("requestid") for r in batches)  # a lost answer is replayed, not re-executed
    assert all(len(json.loads(r["body"])["BatchItemRequest"]) <= 30 for r in batches)
    doc_lookups = [r for r in sent if r["path"].endswith("/query") and "DocNumber IN" in r["body"]]
    assert len(doc_lookups) == 1  # one bulk lookup for all 13 invoices
    assert len(_query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '1002'")) == 1
    assert run.counts.get("linked") == 1 and run.counts.get("created", 0) >= 12


def test_batch_item_failure_fails_only_its_record(worker, qbo, connect_company, company, make_project, make_invoice,
                                                  make_item):
    settings = connect_company()
    project = make_project(number="P-9200")
    make_invoice(project=project, number="9201")
    bad = make_invoice(project=project, number="9202")
    # An item whose income account QuickBooks does not have: that invoice cannot be sent.
    from webapp.models import FinancialAccount, AccountType
    orphan = FinancialAccount(company_id=company.id, name="Nowhere Income", account_type=AccountType.income)
    db.session.add(orphan)
    db.session.commit()
    bad.lines[0].item.income_account_id = orphan.id
    db.session.commit()
    run = wait_for_run(runs.start(company.id, "sync_job", "job", project.id, "Sync Job P-9200").run.id)
    assert run.status == RunStatus.partial
    assert _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '9201'")
    assert not _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '9202'")
    errors = [e for e in run.events if e.level == "error" and e.entity_type]
    assert {e.entity_type for e in errors} <= {"invoice_item", "invoice"}


def test_customer_job_export_off_sends_transactions_to_the_customer(worker, qbo, connect_company, company,
                                                                     make_invoice):
    settings = connect_company(export_customer_jobs=False, auto_print_invoices=True)
    invoice = make_invoice(number="7400")
    run = _sync(company, "invoice", invoice)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    [qb_invoice] = _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '7400'")
    customer_link = db.session.scalar(db.select(Link).where(Link.local_type == "customer"))
    assert qb_invoice["CustomerRef"]["value"] == customer_link.quickbooks_id
    assert qb_invoice["PrintStatus"] == "NeedToPrint"  # Auto mark invoices for printing
    assert db.session.scalar(db.select(db.func.count(Link.id)).where(Link.local_type == "project")) == 0


def test_credit_memos_sync_only_when_their_export_is_on(worker, qbo, connect_company, company, make_credit_memo):
    settings = connect_company()
    memo = make_credit_memo()
    refused = _sync(company, "credit_memo", memo)
    assert refused.status == RunStatus.failed and "Credit Memo Export is off" in refused.error
    settings.export_credit_memos = True
    db.session.commit()
    run = _sync(company, "credit_memo", memo)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    assert _query(qbo, settings.realm_id, f"SELECT * FROM CreditMemo WHERE DocNumber = '{memo.number}'")


def test_users_push_as_employee_or_1099_vendor_and_sales_rep_on_the_invoice(worker, qbo, connect_company, company,
                                                                             make_user, make_invoice, make_project):
    from webapp.models import EmploymentType, ProjectAssignment, ResponsibilityRole, Role

    settings = connect_company(export_employees=True)
    employee = make_user(role=Role.staff, name="Erin Employee", employment_type=EmploymentType.employee)
    contractor = make_user(role=Role.staff, name="Cole Contractor", employment_type=EmploymentType.vendor_1099)
    nobody = make_user(role=Role.staff, name="Nora None")
    project = make_project()
    db.session.add_all([
        ProjectAssignment(company_id=company.id, project_id=project.id, user_id=employee.id,
                          role=ResponsibilityRole.sales_rep),
        ProjectAssignment(company_id=company.id, project_id=project.id, user_id=contractor.id,
                          role=ResponsibilityRole.project_manager),
        ProjectAssignment(company_id=company.id, project_id=project.id, user_id=nobody.id,
                          role=ResponsibilityRole.foreman)])
    db.session.commit()
    invoice = make_invoice(project=project, number="7500")
    run = _sync(company, "invoice", invoice)
    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    assert _query(qbo, settings.realm_id, "SELECT * FROM Employee WHERE DisplayName = 'Erin Employee'")
    [vendor] = _query(qbo, settings.realm_id, "SELECT * FROM Vendor WHERE DisplayName = 'Cole Contractor'")
    assert vendor["Vendor1099"] is True
    assert not _query(qbo, settings.realm_id, "SELECT * FROM Employee WHERE DisplayName = 'Nora None'")
    [qb_invoice] = _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '7500'")
    assert qb_invoice["CustomField"][0]["StringValue"] == "Erin Employee"
    assert _sync(company, "user", nobody).error.startswith("In order for a user to sync")


def test_employee_export_off_sends_no_people(worker, qbo, connect_company, company, make_user, make_invoice,
                                             make_project):
    from webapp.models import EmploymentType, ProjectAssignment, ResponsibilityRole, Role

    settings = connect_company(export_employees=False)
    rep = make_user(role=Role.staff, name="Sam Salesrep", employment_type=EmploymentType.employee)
    project = make_project()
    db.session.add(ProjectAssignment(company_id=company.id, project_id=project.id, user_id=rep.id,
                                     role=ResponsibilityRole.sales_rep))
    db.session.commit()
    assert _sync(company, "invoice", make_invoice(project=project, number="7600")).status == RunStatus.succeeded
    assert not _query(qbo, settings.realm_id, "SELECT * FROM Employee WHERE DisplayName = 'Sam Salesrep'")
    [qb_invoice] = _query(qbo, settings.realm_id, "SELECT * FROM Invoice WHERE DocNumber = '7600'")
    assert not qb_invoice.get("CustomField")


def test_invoice_export_off_sends_no_invoice_or_item(worker, qbo, connect_company, company, make_invoice):
    settings = connect_company(export_invoices=False)
    run = _sync(company, "invoice", make_invoice(number="7700"))
    assert run.status == RunStatus.failed and "Service Items & Invoices is off" in run.error
    writes = [r for r in qbo.control.requests(settings.realm_id) if r["method"] == "POST"]
    assert writes == []


def test_bill_export_off_sends_no_vendor_or_bill(worker, qbo, connect_company, company, make_bill):
    settings = connect_company(export_bills=False)
    run = _sync(company, "bill", make_bill())
    assert run.status == RunStatus.failed and "Vendors & Bill Export is off" in run.error
    assert [r for r in qbo.control.requests(settings.realm_id) if r["method"] == "POST"] == []
