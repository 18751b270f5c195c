"""Bulk imports of the QuickBooks lists through a real worker, against the sandbox over HTTP."""
from __future__ import annotations


from sandbox.online.seed import LARGE_REALM_ID
from webapp.extensions import db
from webapp.models import (
    AccountType, FinancialAccount, InvoiceItem, Link, LinkState, RunStatus, SalesTaxCode, Term, TrackingClass,
)
from webapp.sync import runs
from tests.integration.conftest import wait_for_run
from tests.waiting import wait_until
from tests.integration.inbound_support import connect_realm, import_list, link_of  # noqa: F401

SMALL_ACCOUNTS = 21


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_import_accounts_adds_matches_by_name_and_never_duplicates(worker, qbo, connect_company, company,
                                                                   make_account):
    connect_company()
    # Entered here before connecting, with another case: matched by name on the first import, not duplicated.
    checking = make_account(name="checking", account_type=AccountType.expense)

    run = import_list(company, "accounts")

    assert run.status == RunStatus.succeeded, [e.message for e in run.events]
    assert run.counts["added"] == SMALL_ACCOUNTS - 1
    assert run.counts["updated"] == 1 and run.counts["skipped"] == 0
    assert (run.progress_done, run.progress_total) == (SMALL_ACCOUNTS, SMALL_ACCOUNTS)
    assert _count(FinancialAccount) == SMALL_ACCOUNTS
    db.session.refresh(checking)
    assert checking.name == "Checking" and checking.account_type == AccountType.bank
    assert link_of("financial_account", checking.id).quickbooks_type == "Account"
    receivable = db.session.scalar(db.select(FinancialAccount).where(FinancialAccount.name == "Accounts Receivable (A/R)"))
    assert receivable.account_type == AccountType.accounts_receivable and receivable.subtype == "AccountsReceivable"


def test_reimport_when_nothing_changed_writes_nothing_then_picks_up_an_edit_and_a_deactivation(
        worker, qbo, connect_company, company):
    settings = connect_company()
    import_list(company, "accounts")
    db.session.expire_all()
    before = {a.id: a.updated_at for a in db.session.scalars(db.select(FinancialAccount))}

    again = import_list(company, "accounts")

    assert again.status == RunStatus.succeeded
    assert again.counts["unchanged"] == SMALL_ACCOUNTS
    assert again.counts["added"] == again.counts["updated"] == 0
    db.session.expire_all()
    assert {a.id: a.updated_at for a in db.session.scalars(db.select(FinancialAccount))} == before

    fuel = db.session.scalar(db.select(FinancialAccount).where(FinancialAccount.name == "Fuel"))
    truck = db.session.scalar(db.select(FinancialAccount).where(FinancialAccount.name == "Truck"))
    qbo.control.edit(settings.realm_id, "Account", link_of("financial_account", fuel.id).quickbooks_id,
                     {"Name": "Fuel and Mileage", "Description": "Trucks"})
    qbo.control.delete(settings.realm_id, "Account", link_of("financial_account", truck.id).quickbooks_id)

    third = import_list(company, "accounts")

    assert (third.counts["updated"], third.counts["unchanged"]) == (1, SMALL_ACCOUNTS - 2)
    assert third.counts["deleted_in_quickbooks"] == 1
    db.session.expire_all()
    assert db.session.get(FinancialAccount, fuel.id).name == "Fuel and Mileage"
    assert db.session.get(FinancialAccount, truck.id) is not None, "never deleted here"
    assert link_of("financial_account", truck.id).state == LinkState.deleted_in_quickbooks
    assert _count(FinancialAccount) == SMALL_ACCOUNTS


def test_import_items_classes_terms_and_tax_codes(worker, qbo, connect_company, company):
    connect_company()
    import_list(company, "accounts")
    items = import_list(company, "items")
    assert items.counts["added"] == 7, [e.message for e in items.events]
    concrete = db.session.scalar(db.select(InvoiceItem).where(InvoiceItem.name == "Concrete"))
    assert concrete.income_account.name == "Sales of Product Income"
    assert float(concrete.rate) == 145.0 and concrete.item_type.value == "non_inventory"
    assert import_list(company, "classes").counts["added"] == 3
    assert import_list(company, "terms").counts["added"] == 4
    assert db.session.scalar(db.select(Term).where(Term.name == "Net 15")).due_days == 15
    tax = import_list(company, "tax_codes")
    assert tax.counts["added"] == 2
    assert {c.name: c.taxable for c in db.session.scalars(db.select(SalesTaxCode))} == {"TAX": True, "NON": False}
    assert _count(TrackingClass) == 3


def test_an_imported_item_is_not_pushed_back(worker, qbo, connect_company, company):
    """No ping-pong: the link remembers what the imported record maps to, so Sync sends nothing."""
    settings = connect_company()
    import_list(company, "accounts")
    import_list(company, "items")
    labor = db.session.scalar(db.select(InvoiceItem).where(InvoiceItem.name == "Labor"))
    qbo.control.clear_requests(settings.realm_id)
    run = wait_for_run(runs.start(company.id, "push", "invoice_item", labor.id, "Labor").run.id)
    assert run.status == RunStatus.succeeded
    assert run.counts == {"unchanged": 1}
    writes = [r for r in qbo.control.requests(settings.realm_id) if r["method"] == "POST" and "/query" not in r["path"]]
    assert writes == []


def test_large_company_import_exact_counts_and_fast_reimport(worker, qbo, connect_realm, company):
    connect_realm(LARGE_REALM_ID)
    accounts = import_list(company, "accounts", timeout=120)
    assert accounts.status == RunStatus.succeeded, [e.message for e in accounts.events]
    assert accounts.counts["added"] == 2000 and accounts.counts["skipped"] == 0
    assert _count(FinancialAccount) == 2000

    items = import_list(company, "items", timeout=180)
    assert items.status == RunStatus.succeeded, [e.message for e in items.events]
    assert (items.counts["added"], items.counts["skipped"]) == (10000, 0)
    assert (items.progress_done, items.progress_total) == (10000, 10000)
    assert _count(InvoiceItem) == 10000
    assert db.session.scalar(db.select(db.func.count(Link.id)).where(Link.local_type == "invoice_item")) == 10000

    stamps = dict(db.session.execute(db.select(InvoiceItem.id, InvoiceItem.updated_at)).all())
    again = import_list(company, "items", timeout=180)
    assert again.counts["unchanged"] == 10000 and again.counts["added"] == 0
    assert _count(InvoiceItem) == 10000
    db.session.expire_all()
    # Nothing changed, so nothing was written (speed is measured in bench/import_bench.py, not here).
    assert dict(db.session.execute(db.select(InvoiceItem.id, InvoiceItem.updated_at)).all()) == stamps


def test_list_page_import_button_progress_and_refreshed_list(worker, qbo, connect_company, company, admin_client):
    connect_company()
    page = admin_client.get("/lists/classes/")
    assert b"Import from QuickBooks" in page.data

    started = admin_client.post("/quickbooks/import/classes", headers={"HX-Request": "true"})
    assert started.status_code == 200
    assert b'hx-trigger="every 1s"' in started.data or b"data-summary" in started.data
    def finished():
        response = admin_client.get("/quickbooks/import/classes", headers={"HX-Request": "true"})
        if response.status_code == 286:
            return response
        assert response.status_code == 200 and b"<progress" in response.data
        return None

    poll = wait_until(finished, 30, "the import component to finish")
    html = poll.data.decode()
    assert 'data-count="added">3 added' in html
    assert poll.headers["HX-Trigger-After-Settle"] == "quickbooks-import-finished"
    # The component then asks the list page for its table (the same view, the same partial).
    assert 'hx-get="/lists/classes/"' in html and 'hx-target="#classes-table"' in html
    table = admin_client.get("/lists/classes/", headers={"HX-Request": "true", "HX-Target": "classes-table"})
    assert b"Residential" in table.data and b"<html" not in table.data
