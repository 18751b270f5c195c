"""Record factories: small functions with sensible defaults, overridable per test."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from webapp.extensions import db
from webapp.models import (
    AccountType, Bill, BillLine, BillStatus, Company, Customer, FinancialAccount, Invoice, InvoiceItem,
    InvoiceLine, Payment, PaymentAllocation, Project, Role, TrackingClass, Term, User, Vendor,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


@pytest.fixture
def make_company(app):
    def make(name=None, quickbooks_allowed=True):
        c = Company(name=name or f"Company {_n()}", quickbooks_allowed=quickbooks_allowed)
        db.session.add(c)
        db.session.commit()
        return c
    return make


@pytest.fixture
def company(make_company):
    return make_company("Acme Builders")


@pytest.fixture
def make_user(app, company):
    def make(company=company, role=Role.admin, email=None, password="password123", **kw):
        u = User(company_id=company.id, name=kw.pop("name", f"User {_n()}"), email=email or f"user{_n()}@example.com",
                 role=role, **kw)
        u.set_password(password)
        db.session.add(u)
        db.session.commit()
        return u
    return make


@pytest.fixture
def admin(make_user, company):
    return make_user(company=company, role=Role.admin, email="admin@example.com", name="Alex Admin")


@pytest.fixture
def make_customer(app, company):
    def make(company=company, **kw):
        kw.setdefault("first_name", "Mark")
        kw.setdefault("last_name", f"Anderson{_n()}")
        c = Customer(company_id=company.id, **kw)
        db.session.add(c)
        db.session.commit()
        return c
    return make


@pytest.fixture
def make_project(app, company, make_customer):
    def make(company=company, customer=None, **kw):
        customer = customer or make_customer(company=company)
        kw.setdefault("number", f"P-{_n()}")
        kw.setdefault("address", "12 Oak St")
        kw.setdefault("contract_date", date(2026, 10, 1))
        p = Project(company_id=company.id, customer_id=customer.id, **kw)
        db.session.add(p)
        db.session.commit()
        return p
    return make


@pytest.fixture
def make_account(app, company):
    def make(company=company, name=None, account_type=AccountType.income, **kw):
        a = FinancialAccount(company_id=company.id, name=name or f"Account {_n()}", account_type=account_type, **kw)
        db.session.add(a)
        db.session.commit()
        return a
    return make


def _named_account(company, name, account_type):
    """The company's account of that name, created once (names match the sandbox's chart of accounts)."""
    account = db.session.scalar(db.select(FinancialAccount).where(FinancialAccount.company_id == company.id,
                                                                  FinancialAccount.name == name))
    if account is None:
        account = FinancialAccount(company_id=company.id, name=name, account_type=account_type)
        db.session.add(account)
        db.session.commit()
    return account


@pytest.fixture
def make_item(app, company):
    def make(company=company, name=None, rate="100.00", income_account=None, **kw):
        income_account = income_account or _named_account(company, "Services", AccountType.income)
        item = InvoiceItem(company_id=company.id, name=name or f"Item {_n()}", rate=Decimal(rate),
                           income_account_id=income_account.id, **kw)
        db.session.add(item)
        db.session.commit()
        return item
    return make


@pytest.fixture
def make_invoice(app, company, make_project, make_item):
    def make(company=company, project=None, lines=(("2", "150.00"),), number=None, **kw):
        project = project or make_project(company=company)
        inv = Invoice(company_id=company.id, number=number or str(5000 + _n()), customer_id=project.customer_id,
                      project_id=project.id, invoice_date=kw.pop("invoice_date", date(2026, 11, 1)), **kw)
        for pos, (qty, rate) in enumerate(lines):
            item = make_item(company=company)
            inv.lines.append(InvoiceLine(position=pos, item_id=item.id, description=item.name,
                                         quantity=Decimal(qty), rate=Decimal(rate)))
        inv.recalculate()
        db.session.add(inv)
        db.session.commit()
        return inv
    return make


@pytest.fixture
def make_payment(app, company):
    def make(invoice, amount=None, company=company, **kw):
        amount = Decimal(amount) if amount is not None else invoice.total
        p = Payment(company_id=company.id, customer_id=invoice.customer_id, project_id=invoice.project_id,
                    payment_date=kw.pop("payment_date", date(2026, 11, 5)), amount=amount, **kw)
        p.allocations.append(PaymentAllocation(company_id=company.id, invoice_id=invoice.id, amount=amount))
        db.session.add(p)
        db.session.commit()
        return p
    return make


@pytest.fixture
def make_vendor(app, company):
    def make(company=company, name=None, **kw):
        v = Vendor(company_id=company.id, name=name or f"Vendor {_n()}", **kw)
        db.session.add(v)
        db.session.commit()
        return v
    return make


@pytest.fixture
def make_bill(app, company, make_vendor, make_project, make_account):
    def make(company=company, project=None, vendor=None, amounts=("250.00",), status=BillStatus.paid, **kw):
        vendor = vendor or make_vendor(company=company)
        project = project or make_project(company=company)
        account = _named_account(company, "Job Materials", AccountType.cost_of_goods_sold)
        bill = Bill(company_id=company.id, vendor_id=vendor.id, project_id=project.id, status=status,
                    bill_date=kw.pop("bill_date", date(2026, 11, 10)), **kw)
        for pos, amount in enumerate(amounts):
            bill.lines.append(BillLine(position=pos, account_id=account.id, description="Materials",
                                       amount=Decimal(amount)))
        bill.recalculate()
        db.session.add(bill)
        db.session.commit()
        return bill
    return make


@pytest.fixture
def make_class(app, company):
    def make(company=company, name=None):
        c = TrackingClass(company_id=company.id, name=name or f"Class {_n()}")
        db.session.add(c)
        db.session.commit()
        return c
    return make


@pytest.fixture
def make_term(app, company):
    def make(company=company, name=None, due_days=30):
        t = Term(company_id=company.id, name=name or f"Net {_n()}", due_days=due_days)
        db.session.add(t)
        db.session.commit()
        return t
    return make


@pytest.fixture
def make_credit_memo(app, company, make_project, make_item):
    def make(company=company, project=None, lines=(("1", "75.00"),), number=None, **kw):
        from webapp.models import CreditMemo, CreditMemoLine

        project = project or make_project(company=company)
        memo = CreditMemo(company_id=company.id, number=number or f"CM-{_n()}", customer_id=project.customer_id,
                          project_id=project.id, memo_date=kw.pop("memo_date", date(2026, 11, 3)), **kw)
        for pos, (qty, rate) in enumerate(lines):
            item = make_item(company=company)
            memo.lines.append(CreditMemoLine(position=pos, item_id=item.id, description=item.name,
                                             quantity=Decimal(qty), rate=Decimal(rate)))
        memo.recalculate()
        db.session.add(memo)
        db.session.commit()
        return memo
    return make


@pytest.fixture
def make_tax_code(app, company):
    def make(company=company, name=None, rate="8.2500", **kw):
        from webapp.models import SalesTaxCode

        code = SalesTaxCode(company_id=company.id, name=name or f"TAX{_n()}", rate=Decimal(rate), **kw)
        db.session.add(code)
        db.session.commit()
        return code
    return make


@pytest.fixture
def make_work_order(app, company, make_project):
    def make(project=None, company=company, title="Install gutters", **kw):
        from webapp.models import WorkOrder

        project = project or make_project(company=company)
        wo = WorkOrder(company_id=project.company_id, project_id=project.id, title=title, **kw)
        db.session.add(wo)
        db.session.commit()
        return wo
    return make


@pytest.fixture
def make_assignment(app, company, make_project, make_user):
    def make(project=None, user=None, company=company, role=None):
        from webapp.models import ProjectAssignment, ResponsibilityRole

        project = project or make_project(company=company)
        user = user or make_user(company=company)
        a = ProjectAssignment(company_id=project.company_id, project_id=project.id, user_id=user.id,
                              role=role or ResponsibilityRole.project_manager)
        db.session.add(a)
        db.session.commit()
        return a
    return make
