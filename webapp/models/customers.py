from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import CompanyOwned, db


class Customer(CompanyOwned, db.Model):
    """A customer account."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    last_name: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    company_name: Mapped[str] = mapped_column(String(120), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    phone: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    street: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    city: Mapped[str] = mapped_column(String(80), default="", nullable=False)
    state: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    postal_code: Mapped[str] = mapped_column(String(20), default="", nullable=False)

    projects = relationship("Project", back_populates="customer", order_by="Project.number")

    @property
    def display_name(self) -> str:
        person = ", ".join(p for p in (self.last_name, self.first_name) if p)
        return person or self.company_name or f"Customer {self.id}"

    @property
    def billing_address(self) -> str:
        city_line = " ".join(p for p in (self.city + ("," if self.city else ""), self.state, self.postal_code) if p)
        return "\n".join(p for p in (self.street, city_line) if p)

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.display_name!r}>"
