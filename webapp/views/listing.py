"""Paginated, searchable lists shared by every list page.

The full page and the htmx partial render the same `_table.html` component: the page includes it,
an htmx search or page change swaps just it (hx-target the table's id, outerHTML).
"""
from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import Select, or_

from webapp.extensions import db


def search_filter(stmt: Select, columns, q: str) -> Select:
    q = q.strip()
    if not q:
        return stmt
    pattern = f"%{q}%"
    return stmt.where(or_(*(col.ilike(pattern) for col in columns)))


def paginate(stmt: Select):
    page = request.args.get("page", 1, type=int) or 1
    return db.paginate(stmt, page=max(page, 1), per_page=current_app.config["PAGE_SIZE"], error_out=False)


def render_list(page_template: str, table_template: str, **context):
    """Render the whole page, or only the table component for an htmx request that targets it."""
    if request.headers.get("HX-Request") and request.headers.get("HX-Target", "").endswith("-table"):
        return render_template(table_template, **context)
    return render_template(page_template, **context)
