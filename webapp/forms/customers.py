from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import Email, Length, Optional, ValidationError


class CustomerForm(FlaskForm):
    first_name = StringField("First name", validators=[Length(max=60)])
    last_name = StringField("Last name", validators=[Length(max=60)])
    company_name = StringField("Company name", validators=[Length(max=120)])
    email = EmailField("Email", validators=[Optional(), Email(), Length(max=255)])
    phone = StringField("Phone", validators=[Length(max=40)])
    street = StringField("Street", validators=[Length(max=200)])
    city = StringField("City", validators=[Length(max=80)])
    state = StringField("State", validators=[Length(max=40)])
    postal_code = StringField("ZIP", validators=[Length(max=20)])

    def validate_last_name(self, field):
        if not (field.data or "").strip() and not (self.company_name.data or "").strip():
            raise ValidationError("Enter a last name or a company name.")
