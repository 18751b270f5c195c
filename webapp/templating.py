"""Template filters and globals shared by every page."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask


def money(value) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def short_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%b %d, %Y %H:%M UTC")
    if isinstance(value, date):
        return value.strftime("%b %d, %Y")
    return str(value)


# Slots the QuickBooks integration fills in (webapp.quickbooks.panels registers the real ones);
# every record page calls them, so the pages need not know whether QuickBooks is configured.
QUICKBOOKS_SLOTS = ("quickbooks_panel", "quickbooks_project_actions", "quickbooks_bill_import",
                    "quickbooks_list_actions")


def _empty_slot(*_args, **_kwargs) -> str:
    return ""


def init_app(app: Flask) -> None:
    for slot in QUICKBOOKS_SLOTS:
        app.jinja_env.globals.setdefault(slot, _empty_slot)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
