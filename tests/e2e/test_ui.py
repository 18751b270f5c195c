"""The dashboard as a whole: keyboard use, the loading indicator, partial search and filters, empty
states, confirmation before destructive actions, and a narrow (phone) screen."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.e2e

RECORD_INDICATOR = """() => {
  window.__indicator = [];
  document.addEventListener('htmx:beforeSend', () => window.__indicator.push(
    document.getElementById('global-indicator').classList.contains('htmx-request')));
}"""


def test_log_in_with_the_keyboard_only(page):
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(ADMIN_EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Summit Roofing & Remodeling")).to_be_visible()
    screenshot(page, "ui-dashboard")


def test_wrong_password_is_said_next_to_the_form(page):
    page.goto("/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Password")).to_have_accessible_description(re.compile("Wrong email or password"))
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_search_and_filters_are_partial_with_the_loading_indicator_and_empty_states(admin_page):
    page = admin_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    page.evaluate("window.__noReload = true")
    page.evaluate(RECORD_INDICATOR)

    search = page.get_by_role("searchbox")
    search.fill("zzzz-nobody")
    expect(page.locator(".empty")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=zzzz-nobody"))
    search.fill("")
    expect(page.locator("table tbody tr").first).to_be_visible()
    assert page.evaluate("window.__noReload === true"), "search reloaded the page"
    assert page.evaluate("window.__indicator.length > 0 && window.__indicator.every(Boolean)"), \
        "the global loading indicator did not show during the search request"

    # The sync log filter: another partial, and its empty state tells what to do next.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sync log").click()
    expect(page.get_by_role("heading", name="Sync log")).to_be_visible()
    page.evaluate("window.__noReload = true")
    page.evaluate(RECORD_INDICATOR)
    page.get_by_label("Since").fill("2099-01-01")
    page.get_by_label("Since").dispatch_event("change")
    expect(page.locator("#sync-log-table .empty")).to_contain_text("Press Sync")
    assert page.evaluate("window.__noReload === true")
    assert page.evaluate("window.__indicator.length > 0 && window.__indicator.every(Boolean)")
    screenshot(page, "ui-sync-log-empty")


def test_destructive_actions_ask_first(admin_page):
    page = admin_page
    page.goto("/vendors/")
    page.locator("table tbody tr a").first.click()
    expect(page.get_by_role("button", name="Delete")).to_be_visible()
    heading = page.get_by_role("heading", level=1).inner_text()
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)  # still there: nothing was deleted
    assert dialogs and "cannot be undone" in dialogs[0]


def test_narrow_screen_390px(browser, live_server, online_realm, demo_invoices):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(ADMIN_EMAIL)
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Invoices")).to_be_visible()
        invoice = demo_invoices.pick()
        page.goto(f"/invoices/{invoice['id']}")
        panel = page.locator(f"#qb-panel-invoice-{invoice['id']}")
        expect(panel.get_by_role("button", name="Sync")).to_be_visible()
        # Usable means no sideways scrolling of the whole page; wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        panel.get_by_role("button", name="Sync").click()
        expect(panel.locator(".badge")).to_have_text("Synced")
        screenshot(page, "ui-narrow-390-invoice")
        page.goto("/quickbooks/settings")
        expect(page.get_by_role("heading", name="Company settings")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "ui-narrow-390-settings", full_page=False)
    finally:
        context.close()
