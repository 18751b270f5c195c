"""Every query a view makes goes through here, so none can forget the tenant.

A record of another company answers 404, exactly like a record that does not exist: nothing tells an
attacker that the id is in use.
"""
from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from webapp.extensions import db

M = TypeVar("M")


def company_id() -> int:
    return current_user.company_id


def scoped(model) -> Select:
    return select(model).where(model.company_id == company_id())


def get_or_404(model: type[M], record_id: int) -> M:
    record = db.session.scalar(scoped(model).where(model.id == record_id))
    if record is None:
        abort(404)
    return record


def get_optional(model: type[M], record_id: int | None) -> M | None:
    """A company-scoped lookup for optional foreign keys posted by forms (None when empty)."""
    if not record_id:
        return None
    return get_or_404(model, record_id)
