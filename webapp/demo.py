"""A realistic demo company: `flask demo seed` (and `--size large` for performance work).

Rows are inserted in bulk (INSERT ... RETURNING through SQLAlchemy's insertmanyvalues) so the large
size, 50,000 invoices with their lines, takes well under two minutes even on SQLite.
Deterministic: the same seed gives the same company, so demos and benchmarks are comparable.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert

from webapp.extensions import db
from webapp.models import (
    AccountType, Bill, BillLine, BillStatus, Company, Customer, EmploymentType, FinancialAccount, Invoice,
    InvoiceItem, InvoiceLine, ItemType, Payment, PaymentAllocation, Project, ProjectAssignment, ProjectStatus,
    ResponsibilityRole, Role, SalesTaxCode, Term, TrackingClass, User, Vendor, VendorKind, WorkOrder,
    WorkOrderStatus, CreditMemo, CreditMemoLine,
)
from webapp.models.base import utcnow

ADMIN_EMAIL = "admin@summit.example"
ADMIN_PASSWORD = "summit-demo-2026"
COMPANY_NAME = "Summit Roofing & Remodeling"
FIRST_INVOICE_NUMBER = 1001  # the QuickBooks sandbox's small company has invoices 1001-1003 to match

FIRST_NAMES = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
               "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
               "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra"]
LAST_NAMES = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
              "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
              "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Lewis"]
STREETS = ["Oak St", "Maple Ave", "Cedar Ln", "Pine Rd", "Elm St", "Lakeview Dr", "Hillcrest Ave",
           "Sunset Blvd", "Park Pl", "Ridge Rd", "Meadow Ln", "River Rd"]
CITIES = [("Denver", "CO", "80202"), ("Boulder", "CO", "80301"), ("Aurora", "CO", "80012"),
          ("Littleton", "CO", "80120"), ("Golden", "CO", "80401")]

ACCOUNTS = [
    # Names as in a typical QuickBooks Online chart of accounts (and the sandbox's), so the demo's
    # invoice items and bills find their QuickBooks accounts by name on the first sync.
    ("1000", "Checking", AccountType.bank, "Checking"),
    ("1200", "Accounts Receivable (A/R)", AccountType.accounts_receivable, "AccountsReceivable"),
    ("1210", "Retainage Receivable", AccountType.accounts_receivable, "AccountsReceivable"),
    ("1499", "Undeposited Funds", AccountType.other_current_asset, "UndepositedFunds"),
    ("2000", "Accounts Payable (A/P)", AccountType.accounts_payable, "AccountsPayable"),
    ("4000", "Services", AccountType.income, "ServiceFeeIncome"),
    ("4100", "Design Income", AccountType.income, "ServiceFeeIncome"),
    ("4200", "Installation Income", AccountType.income, "ServiceFeeIncome"),
    ("4900", "Sales of Product Income", AccountType.income, "SalesOfProductIncome"),
    ("5000", "Job Materials", AccountType.expense, "SuppliesMaterials"),
    ("5100", "Subcontractors", AccountType.cost_of_goods_sold, "CostOfLaborCos"),
    ("6000", "Equipment Rental", AccountType.expense, "EquipmentRental"),
    ("6100", "Fuel", AccountType.expense, "Auto"),
]
ITEMS = [
    ("Roof Tear-off", "Remove existing roofing down to the deck", "2.10", "4000"),
    ("Architectural Shingles", "Install architectural asphalt shingles, per sq ft", "4.75", "4000"),
    ("Ice & Water Shield", "Underlayment at eaves and valleys", "1.35", "4000"),
    ("Gutter Installation", "Seamless aluminium gutters, per linear ft", "12.00", "4200"),
    ("Kitchen Remodel Labor", "Carpentry and finish labor, per hour", "85.00", "4100"),
    ("Bathroom Remodel Labor", "Tile, plumbing fixtures and finish, per hour", "90.00", "4100"),
    ("Window Replacement", "Vinyl replacement window, installed", "650.00", "4200"),
    ("Siding Repair", "Fiber cement siding repair, per sq ft", "9.50", "4100"),
    ("Permit Fee", "City building permit", "250.00", "4900"),
    ("Dumpster Haul-away", "30 yard dumpster and disposal", "475.00", "4900"),
]
CLASSES = ["Residential", "Commercial", "Insurance Claims"]
TERMS = [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)]
TAX_CODES = [("TAX", "Taxable sales", True, Decimal("0.0775")), ("NON", "Non-taxable", False, Decimal("0"))]
VENDORS = [
    (VendorKind.supplier, "ABC Supply Co", False), (VendorKind.supplier, "Home Depot Pro", False),
    (VendorKind.supplier, "Beacon Roofing Supply", False), (VendorKind.installer, "Rocky Mountain Gutters", True),
    (VendorKind.installer, "Front Range Windows LLC", True), (VendorKind.vendor, "Waste Management", False),
    (VendorKind.vendor, "City of Denver Permits", False), (VendorKind.installer, "Precision Tile & Stone", True),
]
STAFF = [
    ("Olivia Carter", Role.staff, EmploymentType.employee), ("Ethan Brooks", Role.staff, EmploymentType.employee),
    ("Sofia Ramirez", Role.staff, EmploymentType.vendor_1099), ("Noah Bennett", Role.staff, EmploymentType.none),
    ("Ava Mitchell", Role.admin, EmploymentType.employee),
]


@dataclass
class SeedResult:
    company: Company
    counts: dict = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{n} {k}" for k, n in self.counts.items())


def _bulk(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    now = utcnow()
    for r in rows:
        r.setdefault("created_at", now)
        r.setdefault("updated_at", now)
    result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def seed(size: str = "small", company_name: str = COMPANY_NAME, admin_email: str = ADMIN_EMAIL,
         admin_password: str = ADMIN_PASSWORD, rng_seed: int = 42) -> SeedResult:
    rng = random.Random(rng_seed)
    large = size == "large"
    n_customers, n_projects, n_invoices = (5000, 12000, 50000) if large else (40, 55, 90)

    company = Company(name=company_name, quickbooks_allowed=True)
    db.session.add(company)
    db.session.flush()
    cid = company.id
    result = SeedResult(company)

    admin = User(company_id=cid, name="Alex Morgan", email=admin_email, role=Role.admin,
                 employment_type=EmploymentType.employee)
    admin.set_password(admin_password)
    db.session.add(admin)
    users = [admin]
    domain = admin_email.split("@", 1)[1]
    for name, role, employment in STAFF:
        u = User(company_id=cid, name=name, email=f"{name.split()[0].lower()}@{domain}", role=role,
                 employment_type=employment)
        u.set_password(admin_password)
        db.session.add(u)
        users.append(u)
    db.session.flush()

    account_ids = dict(zip([a[0] for a in ACCOUNTS], _bulk(FinancialAccount, [
        {"company_id": cid, "number": num, "name": name, "account_type": typ, "subtype": sub}
        for num, name, typ, sub in ACCOUNTS])))
    class_ids = _bulk(TrackingClass, [{"company_id": cid, "name": n} for n in CLASSES])
    term_ids = _bulk(Term, [{"company_id": cid, "name": n, "due_days": d} for n, d in TERMS])
    _bulk(SalesTaxCode, [{"company_id": cid, "name": n, "description": d, "taxable": t, "rate": r}
                         for n, d, t, r in TAX_CODES])
    items = list(zip(_bulk(InvoiceItem, [
        {"company_id": cid, "name": n, "description": d, "rate": Decimal(r), "item_type": ItemType.service,
         "income_account_id": account_ids[acct]} for n, d, r, acct in ITEMS]), [Decimal(i[2]) for i in ITEMS],
        [i[1] for i in ITEMS]))
    vendor_ids = _bulk(Vendor, [
        {"company_id": cid, "kind": kind, "name": name, "is_1099": is1099, "email": f"office@{_slug(name)}.example",
         "phone": _phone(rng), "city": "Denver", "state": "CO"} for kind, name, is1099 in VENDORS])

    customers = []
    for i in range(n_customers):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, state, zip_code = rng.choice(CITIES)
        customers.append({"company_id": cid, "first_name": first, "last_name": last,
                          "company_name": "" if rng.random() < .85 else f"{last} Properties",
                          "email": f"{first.lower()}.{last.lower()}{i}@mail.example", "phone": _phone(rng),
                          "street": f"{rng.randint(100, 9999)} {rng.choice(STREETS)}", "city": city,
                          "state": state, "postal_code": zip_code})
    customer_ids = _bulk(Customer, customers)

    today = date.today()
    projects, project_customers = [], []
    for i in range(n_projects):
        c_index = i if i < n_customers else rng.randrange(n_customers)
        cust = customers[c_index]
        project_customers.append(customer_ids[c_index])
        status = rng.choice([ProjectStatus.contracted, ProjectStatus.in_progress, ProjectStatus.completed])
        projects.append({"company_id": cid, "number": f"P-{2400 + i}", "address": f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
                         "customer_id": customer_ids[c_index], "status": status,
                         "contract_date": today - timedelta(days=rng.randint(0, 365)),
                         "class_id": rng.choice(class_ids), "term_id": rng.choice(term_ids[1:])})
        del cust
    project_ids = _bulk(Project, projects)

    pm_roles = [(u, ResponsibilityRole.project_manager) for u in users if u.employment_type != EmploymentType.none]
    _bulk(ProjectAssignment, [
        {"company_id": cid, "project_id": pid, "user_id": user.id, "role": role}
        for pid in project_ids[: min(len(project_ids), 400)]
        for user, role in [rng.choice(pm_roles), (rng.choice(users[1:3]), ResponsibilityRole.sales_rep)]])
    _bulk(WorkOrder, [
        {"company_id": cid, "project_id": pid, "title": title,
         "status": WorkOrderStatus.completed if done else WorkOrderStatus.open,
         "completed_at": utcnow() if done else None}
        for idx, pid in enumerate(project_ids[: min(len(project_ids), 400)])
        for title, done in [("Tear-off and dry-in", idx % 3 != 0), ("Final install and cleanup", idx % 3 == 2)]])

    invoices, invoice_lines_per = [], []
    for i in range(n_invoices):
        p_index = i % n_projects
        lines = []
        for pos in range(rng.randint(1, 4)):
            item_id, rate, desc = rng.choice(items)
            qty = Decimal(rng.choice([1, 1, 2, 4, 8, 16, 120, 1800]))
            lines.append({"position": pos, "item_id": item_id, "description": desc, "quantity": qty, "rate": rate,
                          "amount": (qty * rate).quantize(Decimal("0.01"))})
        inv_date = today - timedelta(days=rng.randint(0, 300))
        invoices.append({"company_id": cid, "number": str(FIRST_INVOICE_NUMBER + i), "customer_id": project_customers[p_index],
                         "project_id": project_ids[p_index], "invoice_date": inv_date,
                         "due_date": inv_date + timedelta(days=30), "term_id": term_ids[2],
                         "class_id": projects[p_index]["class_id"], "total": sum(l["amount"] for l in lines),
                         "sync_enabled": True})
        invoice_lines_per.append(lines)
    invoice_ids = _bulk(Invoice, invoices)
    line_rows = [dict(line, invoice_id=iid) for iid, lines in zip(invoice_ids, invoice_lines_per) for line in lines]
    for start in range(0, len(line_rows), 5000):
        _bulk(InvoiceLine, line_rows[start:start + 5000])

    # Payments on about a third of the invoices (a few partial), allocated to the invoice.
    paid = [k for k in range(len(invoice_ids)) if k % 3 == 0]
    payment_rows = []
    for k in paid:
        inv = invoices[k]
        amount = inv["total"] if k % 9 else (inv["total"] / 2).quantize(Decimal("0.01"))
        payment_rows.append({"company_id": cid, "customer_id": inv["customer_id"], "project_id": inv["project_id"],
                             "payment_date": inv["invoice_date"] + timedelta(days=rng.randint(1, 40)),
                             "amount": amount, "method": rng.choice(["Check", "ACH", "Credit Card"]),
                             "reference": str(5000 + k), "sync_enabled": True})
    payment_ids = _bulk(Payment, payment_rows)
    _bulk(PaymentAllocation, [{"company_id": cid, "payment_id": pid, "invoice_id": invoice_ids[k], "amount": row["amount"]}
                              for pid, k, row in zip(payment_ids, paid, payment_rows)])

    # One credit memo per ~30 invoices.
    memo_src = list(range(0, len(invoice_ids), 30))
    memo_ids = _bulk(CreditMemo, [{"company_id": cid, "number": f"CM-{100 + j}", "customer_id": invoices[k]["customer_id"],
                                   "project_id": invoices[k]["project_id"], "memo_date": invoices[k]["invoice_date"] + timedelta(days=5),
                                   "total": Decimal("150.00"), "memo": "Goodwill credit"} for j, k in enumerate(memo_src)])
    _bulk(CreditMemoLine, [{"credit_memo_id": mid, "position": 0, "item_id": items[0][0], "description": "Goodwill credit",
                            "quantity": Decimal(1), "rate": Decimal("150.00"), "amount": Decimal("150.00")} for mid in memo_ids])

    # Bills: job costs on the projects, various statuses and recent dates.
    n_bills = 40 if not large else 5000
    expense_accounts = [account_ids["5000"], account_ids["5100"], account_ids["6000"]]
    bill_rows, bill_lines = [], []
    for b in range(n_bills):
        p_index = b % n_projects
        lines = [{"position": pos, "account_id": rng.choice(expense_accounts), "description": rng.choice(
            ["Shingles and underlayment", "Subcontracted gutter install", "Dumpster rental", "Tile and grout"]),
                  "amount": Decimal(rng.randint(80, 4000)).quantize(Decimal("0.01")), "class_id": projects[p_index]["class_id"],
                  "billable": pos == 0} for pos in range(rng.randint(1, 3))]
        bill_rows.append({"company_id": cid, "vendor_id": rng.choice(vendor_ids), "project_id": project_ids[p_index],
                          "bill_date": today - timedelta(days=rng.randint(0, 60)), "due_date": today + timedelta(days=30),
                          "reference": f"B-{7000 + b}", "status": rng.choice(list(BillStatus)),
                          "total": sum(l["amount"] for l in lines), "sync_enabled": True})
        bill_lines.append(lines)
    bill_ids = _bulk(Bill, bill_rows)
    _bulk(BillLine, [dict(line, bill_id=bid) for bid, lines in zip(bill_ids, bill_lines) for line in lines])

    db.session.commit()
    result.counts = {"users": len(users), "customers": len(customer_ids), "projects": len(project_ids),
                     "invoices": len(invoice_ids), "invoice lines": len(line_rows), "payments": len(payment_ids),
                     "credit memos": len(memo_ids), "bills": len(bill_ids), "vendors": len(vendor_ids)}
    return result


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())[:20]


def _phone(rng: random.Random) -> str:
    return f"(303) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
