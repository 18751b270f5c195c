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


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
