"""Select fields whose choices are the current company's records."""
from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from webapp.extensions import db
from webapp.tenancy import scoped


def coerce_optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class RecordSelectField(SelectField):
    """A <select> of the company's records; the empty option means "none" unless required."""

    def __init__(self, label=None, validators=None, *, model, order_by, text=None, blank="— none —",
                 active_only=False, **kwargs):
        super().__init__(label, validators, coerce=coerce_optional_int, validate_choice=True, **kwargs)
        self.model, self.order_by, self.text, self.blank, self.active_only = model, order_by, text, blank, active_only

    def load_choices(self) -> None:
        stmt = scoped(self.model).order_by(self.order_by)
        if self.active_only and hasattr(self.model, "active"):
            stmt = stmt.where(self.model.active.is_(True))
        records = db.session.scalars(stmt).all()
        text = self.text or (lambda r: r.name)
        choices = [SelectChoice(r.id, text(r)) for r in records]
        if self.blank is not None:
            choices.insert(0, SelectChoice(None, self.blank))
        self.choices = choices


def load_record_choices(form) -> None:
    for f in form:
        if isinstance(f, RecordSelectField):
            f.load_choices()
