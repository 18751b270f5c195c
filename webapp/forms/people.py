from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from webapp.forms.lookups import choices
from webapp.models import EmploymentType, Role


class UserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=255)])
    phone = StringField("Phone", validators=[Length(max=40)])
    role = SelectField("Role", choices=choices(Role), coerce=Role)
    employment_type = SelectField("Employment type", choices=choices(EmploymentType),
                                  coerce=EmploymentType)
    active = BooleanField("Active", default=True)
    password = PasswordField("Password", validators=[Optional(), Length(min=8, max=128)])


class ProfileForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    phone = StringField("Phone", validators=[Length(max=40)])
    new_password = PasswordField("New password", validators=[Optional(), Length(min=8, max=128)])
    confirm = PasswordField("Repeat new password", validators=[EqualTo("new_password", "The passwords differ.")])


class CompanyForm(FlaskForm):
    name = StringField("Company name", validators=[DataRequired(), Length(max=120)])
