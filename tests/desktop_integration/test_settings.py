"""Company Settings → QuickBooks (Desktop): .qwc download, password, schedule, sessions, imports."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import QuickBooksSettings, QuickBooksType, SyncRun, WebConnectorSession
from webapp.models.base import utcnow
from webapp.quickbooks.desktop import accounts
from webapp.quickbooks.desktop.qwc import parse_qwc


@pytest.fixture
def desktop_admin(app, admin_client, company):
    db.session.add(QuickBooksSettings(company_id=company.id, quickbooks_type=QuickBooksType.desktop, enabled=True))
    db.session.commit()
    return admin_client


def test_settings_page_shows_the_web_connector_section(desktop_admin):
    page = desktop_admin.get("/quickbooks/settings").get_data(as_text=True)
    assert 'id="qb-desktop"' in page and "Download the Web Connector file (.qwc)" in page
    assert "not set yet" in page and "The Web Connector has not checked in yet." in page


def test_online_companies_do_not_see_it(admin_client, company):
    db.session.add(QuickBooksSettings(company_id=company.id, quickbooks_type=QuickBooksType.online))
    db.session.commit()
    assert 'id="qb-desktop"' not in admin_client.get("/quickbooks/settings").get_data(as_text=True)
    assert admin_client.get("/quickbooks/desktop/qwc").status_code == 404


def test_qwc_download_is_unique_per_company(desktop_admin, company, make_company):
    reply = desktop_admin.get("/quickbooks/desktop/qwc")
    assert reply.status_code == 200 and "attachment" in reply.headers["Content-Disposition"]
    qwc = parse_qwc(reply.get_data(as_text=True))
    account = accounts.for_company(company.id)
    assert qwc.app_url == "http://localhost/qbwc" and qwc.app_support == "http://localhost/qbwc/support"
    assert (qwc.user_name, qwc.file_id, qwc.owner_id) == (account.username, account.file_id, accounts.OWNER_ID)
    assert qwc.run_every_n_minutes == account.run_every_minutes
    other = accounts.ensure(make_company("Other").id)
    assert other.username != account.username and other.file_id != account.file_id


def test_set_and_rotate_the_password(desktop_admin, company):
    reply = desktop_admin.post("/quickbooks/desktop/password", data={
        "qbwc-password": "first password 1", "qbwc-confirm": "first password 1"})
    assert reply.status_code == 302
    account = accounts.for_company(company.id)
    assert account.password_hash and "first password 1" not in account.password_hash
    assert accounts.check_password(account, "first password 1")
    reply = desktop_admin.post("/quickbooks/desktop/password", headers={"HX-Request": "true"}, data={
        "qbwc-password": "second password 2", "qbwc-confirm": "second password 2"})
    assert reply.status_code == 200 and "Web Connector password changed" in reply.get_data(as_text=True)
    db.session.refresh(account)
    assert accounts.check_password(account, "second password 2")
    assert not accounts.check_password(account, "first password 1")


@pytest.mark.parametrize("password, confirm, error", [
    ("short", "short", "at least 10 characters"),
    ("long enough one", "long enough two", "The two passwords differ."),
])
def test_password_validation(desktop_admin, company, password, confirm, error):
    reply = desktop_admin.post("/quickbooks/desktop/password", headers={"HX-Request": "true"},
                               data={"qbwc-password": password, "qbwc-confirm": confirm})
    assert reply.status_code == 400 and error in reply.get_data(as_text=True)
    assert not accounts.ensure(company.id).password_hash
    full = desktop_admin.post("/quickbooks/desktop/password", data={"qbwc-password": password, "qbwc-confirm": confirm})
    assert full.status_code == 400 and error in full.get_data(as_text=True)


def test_run_every_minutes(desktop_admin, company):
    reply = desktop_admin.post("/quickbooks/desktop/schedule", headers={"HX-Request": "true"},
                               data={"qbwc-run_every_minutes": "0"})
    assert reply.status_code == 400 and "Between 1 and 1440 minutes." in reply.get_data(as_text=True)
    reply = desktop_admin.post("/quickbooks/desktop/schedule", data={"qbwc-run_every_minutes": "30"})
    assert reply.status_code == 302
    assert accounts.for_company(company.id).run_every_minutes == 30
    assert parse_qwc(desktop_admin.get("/quickbooks/desktop/qwc").get_data(as_text=True)).run_every_n_minutes == 30


def test_csrf_is_required(csrf_app, desktop_admin, company):
    reply = desktop_admin.post("/quickbooks/desktop/password", data={
        "qbwc-password": "first password 1", "qbwc-confirm": "first password 1"})
    assert reply.status_code == 400
    assert not accounts.ensure(company.id).password_hash
    page = desktop_admin.get("/quickbooks/settings").get_data(as_text=True)
    token = re.search(r'name="qbwc-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    reply = desktop_admin.post("/quickbooks/desktop/password", data={
        "qbwc-csrf_token": token, "qbwc-password": "first password 1", "qbwc-confirm": "first password 1"})
    assert reply.status_code == 302


def test_staff_cannot_change_it(app, staff_client, company):
    db.session.add(QuickBooksSettings(company_id=company.id, quickbooks_type=QuickBooksType.desktop))
    db.session.commit()
    assert staff_client.get("/quickbooks/desktop/qwc").status_code == 403
    assert staff_client.post("/quickbooks/desktop/password", data={}).status_code == 403


def test_sessions_log_and_last_check_in(desktop_admin, company):
    account = accounts.ensure(company.id)
    db.session.add(WebConnectorSession(company_id=company.id, status=WebConnectorSession.status.type.enum_class.closed,
                                       messages_sent=3, responses_received=3, closed_at=utcnow(),
                                       close_message="Contractors Cloud: 7 request(s) done, 0 error(s)."))
    db.session.commit()
    page = desktop_admin.get("/quickbooks/settings").get_data(as_text=True)
    assert "7 request(s) done" in page and 'data-status="closed"' in page
    assert "Never" not in page.split("Last check-in")[1][:80]
    assert account.username in page


def test_import_buttons_queue_desktop_import_runs(desktop_admin, company):
    reply = desktop_admin.post("/quickbooks/desktop/import", data={"what": "accounts"})
    run = db.session.scalar(select(SyncRun).where(SyncRun.company_id == company.id))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/quickbooks/runs/{run.id}")
    assert (run.kind, run.target_type, run.backend) == ("desktop_import", "financial_account", "desktop")
    desktop_admin.post("/quickbooks/desktop/import", data={"what": "accounts"})  # pressed twice: the same run
    assert db.session.scalar(select(db.func.count(SyncRun.id))) == 1
    assert desktop_admin.post("/quickbooks/desktop/import", data={"what": "everything"}).status_code == 400


def test_job_costs_bill_import_panel_and_request(desktop_admin, company, make_project):
    from webapp.views.desktop import bill_import_panel

    project = make_project(company=company)
    reply = desktop_admin.get(f"/quickbooks/desktop/jobs/{project.id}/bills")
    assert reply.status_code == 200 and "Send bill import request" in reply.get_data(as_text=True)
    reply = desktop_admin.post(f"/quickbooks/desktop/jobs/{project.id}/bill-import", headers={"HX-Request": "true"})
    assert reply.status_code == 200 and "Waiting for the Web Connector" in reply.get_data(as_text=True)
    run = db.session.scalar(select(SyncRun).where(SyncRun.company_id == company.id))
    assert (run.kind, run.target_type, run.target_id) == ("desktop_import", "job_bills", project.id)
    reply = desktop_admin.post(f"/quickbooks/desktop/jobs/{project.id}/bills", data={})
    assert reply.status_code == 302  # nothing checked: told so, nothing imported
    with desktop_admin.application.test_request_context():
        from flask_login import login_user

        from webapp.models import User
        login_user(db.session.scalar(select(User).where(User.company_id == company.id)))
        assert 'id="qb-desktop-bills-' in bill_import_panel(project)
