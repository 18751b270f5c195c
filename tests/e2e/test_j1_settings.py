"""Journeys 1 and 7: an admin connects QuickBooks Online and changes the company's sync settings."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import company_settings, connect_quickbooks_online, screenshot

pytestmark = pytest.mark.e2e


def _mark_page_load(page):
    # A marker on window survives htmx swaps but not a full page load: proof that a save was partial.
    page.evaluate("window.__noReload = true")


def _still_same_page(page):
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"


def test_journey_1_admin_connects_quickbooks_online_and_saves_settings_inline(admin_page, e2e_db, qbo_sandbox):
    page = admin_page

    # Company Settings → QuickBooks integration, from the user menu.
    page.locator("details.dropdown summary").click()
    page.get_by_role("link", name="Company settings").click()
    expect(page.get_by_role("heading", name="Company settings")).to_be_visible()
    page.get_by_role("link", name="QuickBooks integration").click()
    expect(page).to_have_url(re.compile(r"/quickbooks/settings$"))
    connection = page.locator("#qb-connection")
    expect(connection.get_by_label("QuickBooks Online")).to_be_checked()
    expect(connection).to_contain_text("No QuickBooks company is connected yet")

    # Enable QuickBooks for this company: saved inline.
    _mark_page_load(page)
    connection.get_by_label("Enable QuickBooks for this Company").check()
    connection.get_by_role("button", name="Save connection").click()
    expect(connection.get_by_role("status")).to_contain_text("QuickBooks is enabled.")
    expect(connection.get_by_label("Enable QuickBooks for this Company")).to_be_checked()
    _still_same_page(page)

    # User profile → Integrations → Connect a QuickBooks account → the consent page → back.
    connection.get_by_role("link", name="Connect a QuickBooks account").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    connect_quickbooks_online(page, "Cedar Ridge Contracting")
    integrations = page.locator("#integrations")
    expect(integrations).to_contain_text("9130357992251711")
    expect(integrations.locator(".badge")).to_have_text("Connected")

    # Back in Company Settings: click the Realm ID box.
    page.goto("/quickbooks/settings")
    connection = page.locator("#qb-connection")
    realm_box = connection.get_by_role("button", name=re.compile(r"Realm ID 9130357992251711"))
    expect(realm_box).to_have_attribute("aria-pressed", "false")
    _mark_page_load(page)
    realm_box.click()
    expect(connection.get_by_role("status")).to_contain_text("connected to QuickBooks company")
    expect(connection).to_contain_text("Connected to Realm ID 9130357992251711")
    expect(connection.get_by_role("button", name=re.compile("Realm ID 9130357992251711"))).to_have_attribute(
        "aria-pressed", "true")
    expect(connection.get_by_label("Enable QuickBooks for this Company")).to_be_checked()
    _still_same_page(page)

    # Change Customer Job Format and Synchronize Type; "saved" appears inline, no reload.
    section = page.locator("#qb-sync-settings")
    section.get_by_label("Customer Job Format").select_option(label="Project Number")
    section.get_by_label("Automatic").check()
    section.get_by_role("button", name="Save settings").click()
    expect(section.get_by_role("status")).to_have_text("Synchronization settings saved.")
    expect(section.get_by_label("Customer Job Format")).to_have_value("number")
    expect(section.get_by_label("Automatic")).to_be_checked()
    _still_same_page(page)
    screenshot(page, "journey-1-settings-saved")

    # A fresh load shows what was saved; then put the defaults back for the other journeys.
    page.reload()
    section = page.locator("#qb-sync-settings")
    expect(section.get_by_label("Customer Job Format")).to_have_value("number")
    expect(section.get_by_label("Automatic")).to_be_checked()
    section.get_by_label("Customer Job Format").select_option(value="number_address")
    section.get_by_label("Manual by Button").check()
    section.get_by_role("button", name="Save settings").click()
    expect(section.get_by_role("status")).to_have_text("Synchronization settings saved.")

    saved = company_settings(e2e_db)
    assert saved["realm_id"] == "9130357992251711" and saved["enabled"]


def _option_value(select, text: str) -> str:
    return select.locator("option", has_text=text).first.get_attribute("value")


def test_journey_7_a_non_receivable_default_ar_account_is_refused_next_to_the_field(online_realm, admin_page):
    page = admin_page
    page.goto("/quickbooks/settings")
    section = page.locator("#qb-sync-settings")
    ar = section.get_by_label("Default Accounts Receivable Account for Payments")
    _mark_page_load(page)
    ar.select_option(_option_value(ar, "Checking"))
    section.get_by_role("button", name="Save settings").click()

    ar = section.get_by_label("Default Accounts Receivable Account for Payments")
    expect(ar).to_have_attribute("aria-invalid", "true")
    message = section.locator("#s-default_ar_account_id-errors")
    expect(message).to_have_text(re.compile("The account must be an Accounts Receivable account"))
    # "Next to the field": the message is what the select's accessible description points at.
    expect(ar).to_have_accessible_description(re.compile("must be an Accounts Receivable account"))
    expect(section.get_by_role("status")).to_have_count(0)
    _still_same_page(page)
    screenshot(page, "journey-7-validation")

    # Choosing a receivable account clears the message and saves.
    ar.select_option(_option_value(ar, "Accounts Receivable (A/R)"))
    section.get_by_role("button", name="Save settings").click()
    expect(section.get_by_role("status")).to_have_text("Synchronization settings saved.")
    expect(section.locator("#s-default_ar_account_id-errors")).to_have_count(0)
    # Leave the default (Undeposited Funds) for the payment journeys.
    section.get_by_label("Default Accounts Receivable Account for Payments").select_option(index=0)
    section.get_by_role("button", name="Save settings").click()
    expect(section.get_by_role("status")).to_have_text("Synchronization settings saved.")
