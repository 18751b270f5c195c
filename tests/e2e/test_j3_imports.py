"""Journeys 3 and 5: importing from QuickBooks Online, the chart of accounts and a job's recent bills."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from quickbooks.objects import Account, Vendor

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

# Every swap of the import component records the progress bar's value, so the test can tell that the
# bar moved (and never went backwards) rather than only seeing the end.
RECORD_PROGRESS = """(selector) => {
  window.__progress = [];
  const read = () => { const bar = document.querySelector(selector + ' progress'); if (bar) window.__progress.push(Number(bar.value)); };
  read();
  document.body.addEventListener('htmx:afterSettle', read);
}"""


def test_journey_3_import_accounts_with_a_moving_progress_bar(online_realm, admin_page, qbo_sandbox):
    page = admin_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lists").click()
    page.get_by_role("link", name="Financial accounts").first.click()
    expect(page.get_by_role("heading", name="Financial accounts")).to_be_visible()
    table = page.locator("#accounts-table")
    expect(table).not_to_contain_text("Savings")  # in QuickBooks only, for now
    page.evaluate("window.__noReload = true")

    # Slow QuickBooks down a little so the import spans several polls.
    qbo_sandbox.control.set_latency(online_realm, 250)
    try:
        component = page.locator("#qb-import-accounts")
        component.get_by_role("button", name="Import from QuickBooks").click()
        page.evaluate(RECORD_PROGRESS, "#qb-import-accounts")
        expect(component.get_by_role("button", name="Importing…")).to_be_disabled()
        expect(component.get_by_role("progressbar", name="Import progress")).to_be_visible()
        # Done: the summary replaces the bar, and the list below refreshes by itself.
        expect(component.locator("[data-summary]")).to_contain_text(re.compile(r"[1-9]\d* added"))
        expect(component.locator("[data-status]")).to_have_text("Succeeded")
    finally:
        qbo_sandbox.control.set_latency(online_realm, 0)
    expect(table).to_contain_text("Savings")
    expect(table).to_contain_text("Truck")
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    seen = page.evaluate("window.__progress")
    assert seen and seen == sorted(seen), f"the progress bar went backwards: {seen}"
    screenshot(page, "journey-3-accounts-imported")

    # The run's own page shows the bar at 100 %.
    component.get_by_role("link", name="View log").click()
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "100")


def test_journey_5_import_a_recent_bill_into_job_costs(online_realm, admin_page, qbo_sandbox, demo_invoices):
    page = admin_page
    project = demo_invoices.pick_project()
    page.goto(f"/projects/{project['id']}")
    panel = page.locator(f"#qb-panel-project-{project['id']}")
    # The job must be in QuickBooks first: Sync sends the customer and the job.
    panel.get_by_role("button", name="Sync").click()
    expect(panel.locator(".badge")).to_have_text("Synced")
    job_id = panel.locator("dt:text-is('QuickBooks Id') + dd").inner_text().strip()

    # In QuickBooks, someone enters a vendor bill with a line for this job.
    qb = qbo_sandbox.quickbooks(online_realm)
    vendor = Vendor.all(qb=qb)[0]
    (materials,) = Account.filter(Name="Job Materials", qb=qb)
    doc_number = f"QB-{project['number']}"
    qbo_sandbox.control.create(online_realm, "Bill", {
        "VendorRef": {"value": vendor.Id}, "DocNumber": doc_number, "TxnDate": date.today().isoformat(),
        "Line": [{"Amount": 842.50, "DetailType": "AccountBasedExpenseLineDetail", "Description": "Roofing nails and flashing",
                  "AccountBasedExpenseLineDetail": {"AccountRef": {"value": materials.Id},
                                                    "CustomerRef": {"value": job_id}}}]})

    page.evaluate("window.__noReload = true")
    page.get_by_role("navigation", name="Project sections").get_by_role("link", name="Job Costs").click()
    importer = page.locator(f"#qb-bill-import-{project['id']}")
    importer.get_by_role("button", name="Import bills from QuickBooks").click()
    row = importer.locator("tr", has_text=doc_number)
    expect(row).to_contain_text(vendor.DisplayName)
    expect(row).to_contain_text("$842.50")
    screenshot(page, "journey-5-bill-candidates")
    row.get_by_role("checkbox", name=f"Import bill {doc_number}").check()
    importer.get_by_role("button", name="Import", exact=True).click()

    expect(importer.locator("[data-summary]")).to_contain_text("1 imported")
    costs = page.locator("#project-tab-panel")
    expect(costs.locator("table").first).to_contain_text(doc_number)
    expect(costs.locator("table").first).to_contain_text(vendor.DisplayName)
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    screenshot(page, "journey-5-bill-imported")
