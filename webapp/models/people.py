from __future__ import annotations

import enum

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.models.base import CompanyOwned, db


class Role(str, enum.Enum):
    admin = "admin"
    staff = "staff"

    @property
    def label(self) -> str:
        return {"admin": "Company admin", "staff": "Staff"}[self.value]


class EmploymentType(str, enum.Enum):
    """The spec's "User Type": only Employee and 1099 Vendor users sync to QuickBooks."""

    none = "none"
    employee = "employee"
    vendor_1099 = "vendor_1099"

    @property
    def label(self) -> str:
        return {"none": "None", "employee": "Employee", "vendor_1099": "1099 Vendor"}[self.value]


class User(UserMixin, CompanyOwned, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20), default=Role.staff, nullable=False)
    employment_type: Mapped[EmploymentType] = mapped_column(
        Enum(EmploymentType, native_enum=False, length=20), default=EmploymentType.none, nullable=False
    )
    phone: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    company = relationship("Company")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def can_manage_settings(self) -> bool:
        """The spec's "permission required" for Company Settings."""
        return self.role == Role.admin

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
