"""Company-scoped lookups the record forms share: filtered selects and "already used" checks."""
from __future__ import annotations

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice
from wtforms.validators import ValidationError

from webapp.extensions import db
from webapp.forms.fields import RecordSelectField
from webapp.models import Project
from webapp.tenancy import get_optional, scoped


class FilteredRecordSelectField(RecordSelectField):
    """A RecordSelectField limited by a condition (e.g. income accounts only), hiding inactive records.

    The value stored on the record being edited (object_data, never the posted value) stays
    selectable even when it no longer matches (deactivated, or its type changed), so editing an old
    record never fails on a choice the user did not touch.
    """

    def __init__(self, label=None, validators=None, *, where=None, options=(), **kwargs):
        kwargs.setdefault("active_only", True)
        super().__init__(label, validators, **kwargs)
        self.where, self.options = where, options  # options: eager loads the option text needs

    def load_choices(self) -> None:
        stmt = scoped(self.model).order_by(self.order_by).options(*self.options)
        conditions = []
        if self.where is not None:
            conditions.append(self.where())
        if self.active_only and hasattr(self.model, "active"):
            conditions.append(self.model.active.is_(True))
        if conditions:
            current = self.object_data
            keep_current = self.model.id == current if isinstance(current, int) else None
            stmt = stmt.where(or_(db.and_(*conditions), keep_current) if keep_current is not None
                              else db.and_(*conditions))
        text = self.text or (lambda r: r.name)
        self.choices = [(r.id, text(r)) for r in db.session.scalars(stmt)]
        if self.blank is not None:
            self.choices.insert(0, (None, self.blank))


def choices(values, label=lambda v: v.label) -> list[SelectChoice]:
    """Static <select> choices for an enum or a tuple of strings (SelectChoice: WTForms 3.3
    deprecates raw tuples)."""
    return [SelectChoice(getattr(v, "value", v), label(v)) for v in values]


def value_taken(model, column, value: str, record_id: int | None) -> bool:
    """True when another record of the company already uses this value (case-insensitive)."""
    stmt = scoped(model).with_only_columns(model.id).where(func.lower(column) == value.strip().lower())
    if record_id:
        stmt = stmt.where(model.id != record_id)
    return db.session.scalar(stmt.limit(1)) is not None


class Unique:
    """Validator: no other record of the company uses this value (names, document numbers).

    The database's unique constraint stays the last word; this turns the common case into a message
    next to the field instead of a 500. The view sets `form.record_id` to the record being edited
    (excluded from the check). Without arguments the model and its name come from the form's
    `model` and `record_label`, so one field definition serves invoices and credit memos.
    """

    def __init__(self, model=None, what: str | None = None):
        self.model, self.what = model, what

    def __call__(self, form, field):
        model, what = self.model or form.model, self.what or form.record_label
        if field.data and value_taken(model, getattr(model, field.name), field.data, getattr(form, "record_id", None)):
            raise ValidationError(f"Another {what} already uses “{field.data.strip()}”.")


def project_label(project: Project) -> str:
    return f"{project.title} ({project.customer.display_name})"


def ProjectSelectField(label="Project", **kwargs):  # noqa: N802 (a field factory, used like a field class)
    """The company's projects, labelled with their customer (loaded in one query, not one per option)."""
    return FilteredRecordSelectField(label, model=Project, order_by=Project.number, text=project_label,
                                     active_only=False, options=(selectinload(Project.customer),), **kwargs)


def validate_project_customer(form, field) -> None:
    """Inline validator for a project select next to a customer select: the project must be the
    customer's (QuickBooks files the document under the customer's job)."""
    project = get_optional(Project, field.data)
    if project and form.customer_id.data and project.customer_id != form.customer_id.data:
        raise ValidationError(f"Project {project.number} belongs to {project.customer.display_name}, "
                              "not to the chosen customer.")
