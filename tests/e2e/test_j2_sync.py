"""Journeys 2 and 4: Sync on an invoice, live, and what a failing sync looks like and how it is fixed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from quickbooks.objects import Customer, Invoice

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _open_invoice(page, invoice: dict):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invoices").click()
    expect(page.get_by_role("heading", name="Invoices")).to_be_visible()
    page.goto(f"/invoices/{invoice['id']}")
    expect(page.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()
    page.evaluate("window.__noReload = true")
    return page.locator(f"#qb-panel-invoice-{invoice['id']}")


def _assert_no_reload(page):
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"


def _invoice_in_quickbooks(qbo_sandbox, realm: str, number: str):
    qb = qbo_sandbox.quickbooks(realm)
    return Invoice.filter(DocNumber=number, qb=qb)


def test_journey_2_sync_an_invoice_live(online_realm, page, qbo_sandbox, demo_invoices):
    invoice = demo_invoices.pick()
    login(page, "olivia@summit.example")  # a staff user: Sync needs no admin rights
    panel = _open_invoice(page, invoice)
    expect(panel.locator(".badge")).to_have_text("Not synced")

    panel.get_by_role("button", name="Sync").click()
    # The panel swaps in place: the button shows progress, then the log lines arrive while it polls.
    expect(panel.get_by_role("button", name="Syncing…")).to_be_disabled()
    expect(panel.locator(".badge")).to_have_text(re.compile("Queued|Syncing…"))
    log = panel.locator(".log-lines")
    expect(log).to_contain_text("Customer account")
    expect(log).to_contain_text(re.compile(r"Job .* created in QuickBooks"))
    expect(log).to_contain_text(re.compile(rf"Invoice “{invoice['number']}”: created in QuickBooks"))
    expect(panel.locator(".badge")).to_have_text("Synced")
    expect(panel.get_by_role("button", name="Sync", exact=True)).to_be_enabled()
    expect(panel.get_by_role("link", name="View log")).to_be_visible()
    _assert_no_reload(page)
    screenshot(page, "journey-2-invoice-synced")

    # QuickBooks holds the invoice, on the job, under the customer.
    found = _invoice_in_quickbooks(qbo_sandbox, online_realm, invoice["number"])
    assert len(found) == 1
    qb = qbo_sandbox.quickbooks(online_realm)
    job = Customer.get(found[0].CustomerRef.value, qb=qb)
    assert job.Job is True and job.ParentRef is not None
    parent = Customer.get(job.ParentRef.value, qb=qb)
    assert parent.Job is False
    expect(panel).to_contain_text(found[0].Id)

    # "View log" opens the run's own page with the same lines.
    panel.get_by_role("link", name="View log").click()
    expect(page.locator("[data-status]").first).to_have_text("Succeeded")
    expect(page.locator(".log-lines")).to_contain_text(f"Invoice “{invoice['number']}”: created in QuickBooks")


def _set_income_account(page, item: str, account: str):
    page.goto("/quickbooks/settings/invoice-items")
    select = page.get_by_label(f"Income account for {item}")
    select.select_option(select.locator("option", has_text=account).first.get_attribute("value"))
    row = page.locator("tr", has=page.get_by_label(f"Income account for {item}"))
    expect(row.get_by_role("status")).to_contain_text(f"{item}: income account saved.")


def test_journey_4_a_failing_sync_explains_the_fix_and_retry_works(online_realm, admin_page, qbo_sandbox,
                                                                   demo_invoices):
    page = admin_page
    invoice = demo_invoices.pick(with_item_on_account="4000")
    item = invoice["item"]

    # The office adds an income account here that QuickBooks does not have, and gives it to an item.
    page.goto("/lists/accounts")
    page.get_by_role("button", name="New financial account").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Roof Warranty Income")
    page.get_by_label("Number", exact=True).fill("4300")
    page.get_by_label("Type", exact=True).select_option("Income")
    page.get_by_role("button", name="Save financial account").click()
    expect(page.locator("#flashes")).to_contain_text("Roof Warranty Income")
    _set_income_account(page, item, "Roof Warranty Income")

    panel = _open_invoice(page, invoice)
    panel.get_by_role("button", name="Sync").click()
    expect(panel.locator(".badge")).to_have_text("Failed")
    # In plain words, with what to do about it, at the top of the panel.
    problems = panel.get_by_role("alert")
    expect(problems).to_contain_text(f"Invoice item “{item}”: The account “Roof Warranty Income” does not exist in QuickBooks.")
    expect(problems.locator(".hint").first).to_contain_text("assign an account that exists there in Invoice Customization")
    expect(panel.get_by_role("button", name="Retry")).to_be_enabled()
    _assert_no_reload(page)
    screenshot(page, "journey-4-sync-failed")
    assert _invoice_in_quickbooks(qbo_sandbox, online_realm, invoice["number"]) == []

    # The fix the hint names: Company settings → Invoice customization, an account QuickBooks has.
    _set_income_account(page, item, "Services")

    # Back on the invoice: Retry, and it goes through.
    panel = _open_invoice(page, invoice)
    expect(panel.locator(".badge")).to_have_text("Failed")
    panel.get_by_role("button", name="Retry").click()
    expect(panel.get_by_role("button", name="Syncing…")).to_be_disabled()
    expect(panel.locator(".badge")).to_have_text("Synced")
    expect(panel.get_by_role("alert")).to_have_count(0)
    _assert_no_reload(page)
    assert len(_invoice_in_quickbooks(qbo_sandbox, online_realm, invoice["number"])) == 1
    screenshot(page, "journey-4-retried")


def test_journey_4_quickbooks_outage_is_retried_live_without_duplicates(online_realm, admin_page, qbo_sandbox,
                                                                        demo_invoices):
    page = admin_page
    invoice = demo_invoices.pick()
    panel = _open_invoice(page, invoice)
    # QuickBooks saves the invoice, then answers 503 twice: the retry must not create it twice.
    qbo_sandbox.control.inject(online_realm, "503", count=2, method="POST", path_contains="/invoice")
    try:
        panel.get_by_role("button", name="Sync").click()
        expect(panel.locator(".log-lines .log-warning").first).to_contain_text("Retrying in 1 seconds")
        expect(panel.locator(".badge")).to_have_text("Synced")
    finally:
        qbo_sandbox.control.clear_faults(online_realm)
    _assert_no_reload(page)
    screenshot(page, "journey-4-outage-retried")
    assert len(_invoice_in_quickbooks(qbo_sandbox, online_realm, invoice["number"])) == 1
