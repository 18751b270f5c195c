"""Company Settings → QuickBooks, the OAuth connection through the sandbox, Sync buttons and logs."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import requests

from webapp import crypto
from webapp.extensions import db
from webapp.models import (
    AccountType, ConnectionStatus, QuickBooksConnection, QuickBooksSettings, SyncRun,
)
from webapp.sync import runs
from tests.integration.conftest import wait_for_run


def test_settings_need_the_account_manager_switch(admin_client, company):
    company.quickbooks_allowed = False
    db.session.commit()
    response = admin_client.get("/quickbooks/settings")
    assert response.status_code == 403
    assert b"Account Manager will need to first enable" in response.data


def test_staff_cannot_change_quickbooks_settings(staff_client):
    assert staff_client.get("/quickbooks/settings").status_code == 403
    assert staff_client.post("/quickbooks/settings/sync", data={}).status_code == 403


def test_settings_page_shows_every_setting_with_its_help(admin_client):
    html = admin_client.get("/quickbooks/settings").get_data(as_text=True)
    for label in ["Employee/Sales Rep Export", "Customer Job Export", "Service Items &amp; Invoices",
                  "Credit Memo Export", "Payment Export", "Vendors &amp; Bill Export", "Auto Mark Invoices for Printing",
                  "Auto Export Expenses on Work Order Completion", "Synchronize Contracts after this Date",
                  "Synchronize Type", "Customer Account Name Format", "Customer Job Format",
                  "Default Accounts Receivable Account for Payments", "Expense Export Status",
                  "WE HIGHLY RECOMMEND ENABLING CUSTOMER JOBS"]:
        assert label in html, label


def _sync_form(**overrides):
    data = {"s-export_customer_jobs": "y", "s-export_invoices": "y", "s-export_payments": "y", "s-export_bills": "y",
            "s-sync_type": "manual", "s-customer_name_format": "last_first", "s-job_name_format": "number_address",
            "s-default_ar_account_id": "", "s-expense_export_status": "paid", "s-sync_after": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_sync_settings_saved_with_htmx(admin_client, company):
    response = admin_client.post("/quickbooks/settings/sync", headers={"HX-Request": "true"},
                                 data=_sync_form(**{"s-sync_type": "automatic", "s-sync_after": "2026-09-01",
                                                    "s-capitalize": "y"}))
    assert response.status_code == 200
    assert response.data.lstrip().startswith(b'<section id="qb-sync-settings">')
    assert b"Synchronization settings saved." in response.data
    settings = db.session.scalar(db.select(QuickBooksSettings))
    assert settings.sync_type.value == "automatic" and settings.capitalize and str(settings.sync_after) == "2026-09-01"


def test_default_ar_account_must_be_receivable(admin_client, company, make_account):
    bank = make_account(name="Checking", account_type=AccountType.bank)
    response = admin_client.post("/quickbooks/settings/sync", headers={"HX-Request": "true"},
                                 data=_sync_form(**{"s-default_ar_account_id": str(bank.id)}))
    assert response.status_code == 400
    assert b"The account must be an Accounts Receivable account." in response.data
    assert b'aria-invalid="true"' in response.data
    receivable = make_account(name="Accounts Receivable", account_type=AccountType.accounts_receivable)
    ok = admin_client.post("/quickbooks/settings/sync", headers={"HX-Request": "true"},
                           data=_sync_form(**{"s-default_ar_account_id": str(receivable.id)}))
    assert ok.status_code == 200
    assert db.session.scalar(db.select(QuickBooksSettings)).default_ar_account_id == receivable.id


def test_another_companys_account_is_not_a_valid_choice(admin_client, make_company, make_account):
    other = make_company("Other Co")
    foreign = make_account(company=other, name="AR", account_type=AccountType.accounts_receivable)
    response = admin_client.post("/quickbooks/settings/sync", data=_sync_form(**{"s-default_ar_account_id": str(foreign.id)}))
    assert response.status_code == 400


def test_connect_quickbooks_through_the_sandbox_consent_page(app, qbo, admin_client, admin, company):
    start = admin_client.get("/quickbooks/connect")
    assert start.status_code == 302
    authorize_url = start.headers["Location"]
    assert authorize_url.startswith(qbo.base_url)
    # The person picks a company on Intuit's (here: the sandbox's) consent page and presses Connect.
    consent = requests.get(authorize_url, timeout=10)
    form_action = re.search(r'<form[^>]*action="([^"]*)"', consent.text).group(1)
    realm = re.search(r'name="realm_id"[^>]*value="([^"]+)"', consent.text).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', consent.text))
    fields.update(realm_id=realm, decision="allow")
    decision = requests.post(requests.compat.urljoin(authorize_url, form_action.replace("&amp;", "&")), data=fields,
                             allow_redirects=False, timeout=10)
    callback = urlparse(decision.headers["Location"])
    assert parse_qs(callback.query)["realmId"] == [realm]
    done = admin_client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302
    connection = db.session.scalar(db.select(QuickBooksConnection))
    assert connection.realm_id == realm and connection.status == ConnectionStatus.connected
    assert connection.access_token_encrypted and "ey" not in connection.access_token_encrypted[:2]
    assert crypto.decrypt(connection.access_token_encrypted)  # encrypted at rest, decryptable with the key
    # The realm box appears in Company Settings and can be chosen.
    page = admin_client.get("/quickbooks/settings").get_data(as_text=True)
    assert f"Realm ID {realm}" in page
    admin_client.post("/quickbooks/settings/realm", data={"connection_id": connection.id})
    assert db.session.scalar(db.select(QuickBooksSettings)).realm_id == realm


def test_callback_with_forged_state_is_refused(app, qbo, admin_client):
    admin_client.get("/quickbooks/connect")
    response = admin_client.get("/quickbooks/callback?code=x&state=forged&realmId=1", follow_redirects=True)
    assert b"QuickBooks did not connect" in response.data
    assert db.session.scalar(db.select(db.func.count(QuickBooksConnection.id))) == 0


def test_sync_button_returns_the_panel_and_the_log_polls_until_done(worker, qbo, connect_company, admin_client,
                                                                    make_customer):
    connect_company()
    customer = make_customer(first_name="Panel", last_name="Test")
    response = admin_client.post(f"/quickbooks/sync/customer/{customer.id}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="qb-panel-customer-{customer.id}"' in html and 'hx-trigger="every 1s"' in html
    run = db.session.scalar(db.select(SyncRun))
    wait_for_run(run.id)
    finished = admin_client.get(f"/quickbooks/panel/customer/{customer.id}", headers={"HX-Request": "true"})
    assert finished.status_code == 286  # htmx stops polling
    assert b'data-status="synced"' in finished.data
    log = admin_client.get(f"/quickbooks/runs/{run.id}", headers={"HX-Request": "true"})
    assert log.status_code == 286 and b"created in QuickBooks" in log.data


def test_pressing_sync_twice_shows_the_run_under_way(app, connect_company, admin_client, make_customer):
    settings = connect_company()
    settings.enabled = False
    db.session.commit()
    customer = make_customer()
    admin_client.post(f"/quickbooks/sync/customer/{customer.id}")
    admin_client.post(f"/quickbooks/sync/customer/{customer.id}")
    assert db.session.scalar(db.select(db.func.count(SyncRun.id))) == 1


def test_runs_and_logs_are_tenant_scoped(app, connect_company, admin_client, make_company, make_customer, make_user):
    other = make_company("Other Co")
    foreign_customer = make_customer(company=other)
    foreign_run = runs.start(other.id, "push", "customer", foreign_customer.id, "Foreign customer sync").run
    assert admin_client.get(f"/quickbooks/runs/{foreign_run.id}").status_code == 404
    assert admin_client.post(f"/quickbooks/runs/{foreign_run.id}/retry").status_code == 404
    assert admin_client.post(f"/quickbooks/sync/customer/{foreign_customer.id}").status_code == 404
    assert "Foreign customer sync" not in admin_client.get("/quickbooks/log").get_data(as_text=True)


def test_sync_log_filters(app, connect_company, admin_client, company, make_customer):
    settings = connect_company()
    settings.enabled = False
    db.session.commit()
    runs.start(company.id, "push", "customer", make_customer(last_name="Filterme").id, "Customer Filterme")
    html = admin_client.get("/quickbooks/log?status=paused").get_data(as_text=True)
    assert "Customer Filterme" in html
    html = admin_client.get("/quickbooks/log?status=succeeded").get_data(as_text=True)
    assert "Customer Filterme" not in html
