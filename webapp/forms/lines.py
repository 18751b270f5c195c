"""Line editing shared by invoices, credit memos and bills.

A document's lines are a WTForms FieldList(FormField(<LineForm>)). Lines are added and removed in
two ways that end in the same form state:
- without JavaScript, the "Add line" / "Remove" buttons submit the whole form (name="add_line" or
  name="remove_line" value=<index>) and the server re-renders it with one line more or less;
- with htmx, "Add line" fetches one blank `_line.html` row for the next index and "Remove" deletes
  the row in the browser; FieldList renumbers whatever indices arrive, so gaps are harmless.
"""
from __future__ import annotations

from decimal import Decimal

from flask import request
from wtforms import Form

from webapp.forms.fields import RecordSelectField

MAX_LINES = 200


class LineForm(Form):
    """A line sub-form (plain Form: the document form carries the single CSRF token)."""

    def is_blank(self) -> bool:
        """Untouched rows are dropped on save instead of failing validation."""
        raise NotImplementedError

    def values(self) -> dict:
        """The line's model attributes."""
        return {name: (f.data.strip() if isinstance(f.data, str) else f.data) for name, f in self._fields.items()}


def load_line_choices(field_list) -> None:
    for entry in field_list:
        load_subform_choices(entry.form)


def load_subform_choices(subform) -> None:
    for f in subform:
        if isinstance(f, RecordSelectField):
            f.load_choices()


def apply_line_action(field_list) -> bool:
    """Handle a no-JS "Add line" / "Remove" submit; True when the post was one (nothing is saved)."""
    if "add_line" in request.form:
        if len(field_list.entries) < MAX_LINES:
            load_subform_choices(field_list.append_entry().form)
        return True
    posted = request.form.get("remove_line")
    if posted is None:
        return False
    # FieldList renumbered the posted indices 0..n-1; find the removed row's new position.
    indices = sorted(set(field_list._extract_indices(field_list.name, request.form)))
    if posted.isdigit() and int(posted) in indices:
        del field_list.entries[indices.index(int(posted))]
    return True


def filled_lines(field_list) -> list:
    return [entry.form for entry in field_list if not entry.form.is_blank()]


def write_lines(lines, field_list, new_line) -> None:
    """Copy the filled rows onto the model's line collection, reusing existing line rows by position
    (their ids stay stable for the QuickBooks mapping) and deleting the surplus (delete-orphan)."""
    filled = filled_lines(field_list)
    for position, subform in enumerate(filled):
        if position < len(lines):
            line = lines[position]
        else:
            line = new_line()
            lines.append(line)
        for name, value in subform.values().items():
            setattr(line, name, value)
        line.position = position
    del lines[len(filled):]


def next_index(field_list) -> int:
    return field_list.last_index + 1


def blank_line(line_form_class, field_name: str, index: int):
    """One empty row named exactly like FieldList would name entry `index` (for the htmx add)."""
    subform = line_form_class(prefix=f"{field_name}-{index}-")
    load_subform_choices(subform)
    return subform


def money_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None), Decimal("0.00")).quantize(Decimal("0.01"))
