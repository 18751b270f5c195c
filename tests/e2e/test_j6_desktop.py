"""Journey 6: QuickBooks Desktop. Download the .qwc, press Sync Job, run the (simulated) Web Connector,
and watch the job's log finish."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, DESKTOP_ADMIN, login, run_web_connector, screenshot

pytestmark = pytest.mark.e2e

QBWC_PASSWORD = "web-connector-e2e-2026"


def test_journey_6_desktop_qwc_sync_job_and_the_web_connector(desktop_company, page, app_env, e2e_db):
    login(page, DESKTOP_ADMIN, ADMIN_PASSWORD)
    page.goto("/quickbooks/settings")
    connection = page.locator("#qb-connection")
    page.evaluate("window.__noReload = true")
    connection.get_by_label("QuickBooks Desktop").check()
    connection.get_by_label("Enable QuickBooks for this Company").check()
    connection.get_by_role("button", name="Save connection").click()
    expect(connection.get_by_role("status").first).to_contain_text("QuickBooks is enabled")

    desktop = page.locator("#qb-desktop")
    expect(desktop.get_by_role("heading", name="QuickBooks Desktop: Web Connector")).to_be_visible()
    desktop.get_by_label("New Web Connector password").fill(QBWC_PASSWORD)
    desktop.get_by_label("Repeat the password").fill(QBWC_PASSWORD)
    desktop.get_by_role("button", name="Set password").click()
    expect(desktop.get_by_role("status").first).to_contain_text("Web Connector password set")
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"

    with page.expect_download() as download_info:
        desktop.get_by_role("button", name=re.compile(r"Download the Web Connector file")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".qwc")
    qwc = open(download.path(), encoding="utf-8").read()
    assert "<QBWCXML>" in qwc and "/qbwc</AppURL>" in qwc and "<FileID>" in qwc
    screenshot(page, "journey-6-desktop-settings")

    # Sync Job on a project: the job waits in the web connector queue.
    with e2e_db.connect() as conn:
        project_id = conn.execute(sa.text("SELECT min(id) FROM projects WHERE company_id = :c"),
                                  {"c": desktop_company}).scalar_one()
    page.goto(f"/projects/{project_id}")
    job = page.locator(f"#qb-sync-job-{project_id}")
    page.evaluate("window.__noReload = true")
    job.get_by_role("button", name="Sync Job").click()
    expect(job.get_by_role("button", name="Syncing job…")).to_be_disabled()

    # The Web Connector runs (what the office's QuickBooks computer does on its schedule)…
    run_web_connector(app_env, desktop_company)
    # …and the page, still polling, shows the job finished.
    expect(job.locator(".badge")).to_have_text("Succeeded")
    expect(job.get_by_role("button", name="Sync Job")).to_be_enabled()
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    screenshot(page, "journey-6-sync-job-finished")
    # The job's own QuickBooks panel now knows its QuickBooks record (its ListID).
    page.reload()
    expect(page.locator(f"#qb-panel-project-{project_id} .badge")).to_have_text("Synced")

    job.get_by_role("link", name="View log").click()
    log = page.locator(".log-lines")
    expect(page.locator("[data-status]").first).to_have_text("Succeeded")
    expect(log).to_contain_text(re.compile("Customer", re.I))
    screenshot(page, "journey-6-web-connector-log")
