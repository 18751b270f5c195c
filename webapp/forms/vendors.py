from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from webapp.forms.lookups import Unique, choices
from webapp.models import Vendor, VendorKind


class VendorForm(FlaskForm):
    kind = SelectField("Kind", choices=choices(VendorKind), coerce=VendorKind,
                       default=VendorKind.vendor)
    name = StringField("Name", validators=[DataRequired("Enter the vendor's name."), Length(max=100),
                                           Unique(Vendor, "vendor")])
    contact_name = StringField("Contact name", validators=[Length(max=120)])
    email = EmailField("Email", validators=[Optional(), Email(), Length(max=255)])
    phone = StringField("Phone", validators=[Length(max=40)])
    street = StringField("Street", validators=[Length(max=200)])
    city = StringField("City", validators=[Length(max=80)])
    state = StringField("State", validators=[Length(max=40)])
    postal_code = StringField("ZIP", validators=[Length(max=20)])
    is_1099 = BooleanField("Files a 1099")
    active = BooleanField("Active", default=True)
