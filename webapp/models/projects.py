"""Projects (the spec's Contract / Job), their people and their work orders."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import CompanyOwned, UTCDateTime, db


class ProjectStatus(str, enum.Enum):
    lead = "lead"
    contracted = "contracted"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Project(CompanyOwned, db.Model):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("company_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), nullable=False)
    address: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True, nullable=False)
    status: Mapped[ProjectStatus] = mapped_column(
        Enum(ProjectStatus, native_enum=False, length=20), default=ProjectStatus.contracted, nullable=False
    )
    contract_date: Mapped[date | None] = mapped_column(Date)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("tracking_classes.id", ondelete="SET NULL"))
    term_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id", ondelete="SET NULL"))

    customer = relationship("Customer", back_populates="projects")
    tracking_class = relationship("TrackingClass")
    term = relationship("Term")
    assignments = relationship("ProjectAssignment", back_populates="project", cascade="all, delete-orphan")
    work_orders = relationship("WorkOrder", back_populates="project", cascade="all, delete-orphan",
                               order_by="WorkOrder.id")

    @property
    def title(self) -> str:
        return f"{self.number} - {self.address}" if self.address else self.number


class ResponsibilityRole(str, enum.Enum):
    """A user's direct responsibility on a project (the spec's "direct responsibility role")."""

    project_manager = "project_manager"
    sales_rep = "sales_rep"
    estimator = "estimator"
    foreman = "foreman"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()


class ProjectAssignment(CompanyOwned, db.Model):
    __tablename__ = "project_assignments"
    __table_args__ = (UniqueConstraint("project_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    role: Mapped[ResponsibilityRole] = mapped_column(
        Enum(ResponsibilityRole, native_enum=False, length=30), nullable=False
    )

    project = relationship("Project", back_populates="assignments")
    user = relationship("User")


class WorkOrderStatus(str, enum.Enum):
    open = "open"
    completed = "completed"


class WorkOrder(CompanyOwned, db.Model):
    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[WorkOrderStatus] = mapped_column(
        Enum(WorkOrderStatus, native_enum=False, length=20), default=WorkOrderStatus.open, nullable=False
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project = relationship("Project", back_populates="work_orders")
