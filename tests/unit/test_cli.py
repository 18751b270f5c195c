"""Operator and demo commands."""
from webapp.extensions import db
from webapp.models import Company, Customer, Invoice, InvoiceLine, User


def test_allow_quickbooks_by_name_and_revoke(app, make_company):
    company = make_company("Granite Roofing", quickbooks_allowed=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["companies", "allow-quickbooks", "Granite Roofing"])
    assert result.exit_code == 0 and "QuickBooks allowed for Granite Roofing" in result.output
    db.session.refresh(company)
    assert company.quickbooks_allowed
    runner.invoke(args=["companies", "allow-quickbooks", str(company.id), "--revoke"])
    db.session.refresh(company)
    assert not company.quickbooks_allowed


def test_allow_quickbooks_unknown_company_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["companies", "allow-quickbooks", "Nobody"])
    assert result.exit_code != 0 and "No company 'Nobody'" in result.output


def test_demo_seed_creates_a_consistent_company_and_prints_the_login(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "Log in as admin@summit.example with password summit-demo-2026" in result.output
    company = db.session.scalar(db.select(Company))
    admin = db.session.scalar(db.select(User).where(User.email == "admin@summit.example"))
    assert admin.company_id == company.id and admin.check_password("summit-demo-2026")
    assert db.session.scalar(db.select(db.func.count(Customer.id))) == 40
    # Every invoice total is the sum of its lines, to the cent.
    for invoice in db.session.scalars(db.select(Invoice)):
        assert invoice.total == sum(line.amount for line in invoice.lines)
    assert db.session.scalar(db.select(db.func.count(InvoiceLine.id))) > 90
    again = app.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
    assert "already present" in again.output
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 1
