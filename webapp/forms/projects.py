from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.forms.fields import RecordSelectField
from webapp.forms.lookups import FilteredRecordSelectField, Unique, choices
from webapp.models import Customer, Project, ProjectStatus, ResponsibilityRole, Term, TrackingClass, User


class ProjectForm(FlaskForm):
    number = StringField("Project number", validators=[DataRequired("Enter the project number."), Length(max=30),
                                                       Unique(Project, "project")])
    address = StringField("Project address", validators=[Length(max=200)])
    customer_id = RecordSelectField("Customer", validators=[InputRequired("Choose a customer.")], model=Customer,
                                    order_by=Customer.last_name, text=lambda c: c.display_name, blank="— choose —")
    status = SelectField("Status", choices=choices(ProjectStatus), coerce=ProjectStatus,
                         default=ProjectStatus.contracted)
    contract_date = DateField("Contract date", validators=[Optional()])
    class_id = FilteredRecordSelectField("Class", model=TrackingClass, order_by=TrackingClass.name)
    term_id = FilteredRecordSelectField("Terms", model=Term, order_by=Term.name)

    def validate_customer_id(self, field):
        if field.data is None:
            raise ValidationError("Choose a customer.")


class AssignmentForm(FlaskForm):
    """A user with a direct responsibility role on the project (the spec's Sales Rep, Project Manager ...)."""

    user_id = FilteredRecordSelectField("User", model=User, order_by=User.name, blank="— choose —")
    role = SelectField("Responsibility", choices=choices(ResponsibilityRole),
                       coerce=ResponsibilityRole)

    def validate_user_id(self, field):
        if field.data is None:
            raise ValidationError("Choose a user.")


class WorkOrderForm(FlaskForm):
    title = StringField("Work order", validators=[DataRequired("Describe the work order."), Length(max=200)])
