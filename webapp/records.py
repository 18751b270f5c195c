"""Saving and deleting company records from forms, in one place, with the domain events."""
from __future__ import annotations

from flask import flash, redirect
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from webapp import signals
from webapp.extensions import db


def save_form(record, form, *, exclude=()):
    """Copy the form onto the record (setting the tenant on new records), commit, announce it."""
    for name, f in form._fields.items():
        if name in ("csrf_token", "submit") or name in exclude or not hasattr(record, name):
            continue
        setattr(record, name, f.data.strip() if isinstance(f.data, str) else f.data)
    return commit_record(record)


def commit_record(record):
    if getattr(record, "company_id", None) is None:
        record.company_id = current_user.company_id
    db.session.add(record)
    db.session.commit()
    signals.record_saved.send(type(record), company_id=record.company_id, record_id=record.id,
                              user_id=current_user.id)
    return record


def delete_record(record, label: str, next_url: str):
    """Delete locally only: QuickBooks is never touched (the spec's "Delete Functionality")."""
    company_id, record_type, record_id = record.company_id, type(record).__name__, record.id
    db.session.delete(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(f"{label} is still used by other records and cannot be deleted.", "error")
        return redirect(next_url)
    signals.record_deleted.send(type(record), company_id=company_id, record_type=record_type,
                                record_id=record_id, label=label, user_id=current_user.id)
    flash(f"{label} deleted.", "success")
    return redirect(next_url)
