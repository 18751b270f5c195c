from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Timestamped, db


class Company(Timestamped, db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    # The spec: "Your Contractors Cloud Account Manager will need to first enable your QuickBooks
    # integration." Only an operator sets it (flask companies allow-quickbooks).
    quickbooks_allowed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name!r}>"
