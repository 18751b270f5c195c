"""Company Settings → QuickBooks integration: the settings row, its form, and realm choices."""
from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, RadioField, SelectField
from wtforms.validators import Optional, ValidationError

from webapp.extensions import db
from webapp.forms.fields import RecordSelectField
from webapp.forms.lookups import choices
from webapp.models import (
    AccountType, ConnectionStatus, CustomerNameFormat, ExpenseExportStatus, FinancialAccount, JobNameFormat,
    QuickBooksConnection, QuickBooksSettings, QuickBooksType, Role, SyncType, User,
)
from webapp.sync import rules

# The help text of the user's specification, next to each setting.
HELP = {
    "quickbooks_type": "Set to QuickBooks Desktop if you use the Web Connector, or QuickBooks Online.",
    "enabled": "Set this to ON. Setting to OFF will pause all submissions to QuickBooks (and to the web "
               "connector queue); nothing is lost, they resume when it is ON again.",
    "export_employees": "This syncs employees and sales reps. Click this on if you want the employee/sales rep to be "
                        "attached to the QuickBooks job and invoices. NOTE: In order for a User to sync, they need a "
                        "User Type of either Employee or 1099 Vendor.",
    "export_customer_jobs": "Here you can enable customer jobs. WE HIGHLY RECOMMEND ENABLING CUSTOMER JOBS in case you "
                            "do future work for an existing customer.",
    "export_invoices": "Enabling this will allow “customer” invoices to be synced from Contractors Cloud to QuickBooks. "
                       "NOTE: You will have to assign QuickBooks accounts to your invoice items within the Invoice "
                       "Customization area.",
    "export_credit_memos": "Here you can enable the syncing of Credit Memos. NOTE: This does not include refunds or "
                           "overpayments. Those will have to be entered manually into your QuickBooks.",
    "export_payments": "Enabling this will allow payments to be synced from Contractors Cloud to QuickBooks. NOTE: all "
                       "payments will be brought over as un-deposited payments. If you wish to have them automatically "
                       "marked as deposited, you will need to set this in your QuickBooks Company Preferences.",
    "export_bills": "Enabling this will allow Contractors Cloud expenses to be synced as QuickBooks bills.",
    "auto_print_invoices": "This setting allows you to automatically mark invoices for printing within your QuickBooks.",
    "auto_export_expenses": "Setting this auto sync is a safety measure to insure all of your invoices are in "
                            "QuickBooks when Contractors Cloud senses all work has been completed.",
    "sync_after": "Any contract on or after this date will have the option to be synced with your QuickBooks. "
                  "CAUTION: IT IS HIGHLY RECOMMENDED TO START FRESH WITH NEW CONTRACTS THAT ARE NOT CURRENTLY IN YOUR "
                  "QUICKBOOKS, so set a recent date: a customer entered by hand in QuickBooks could otherwise be "
                  "recreated, or transactions duplicated.",
    "sync_type": "Manual by Button: push a button within the contract to send the data to QuickBooks. Automatic: data "
                 "is sent to QuickBooks whenever a financial transaction is updated in Contractors Cloud.",
    "capitalize": "Bring all data over in capital letters. This is merely a personal preference setting.",
    "customer_name_format": "How customer names are formatted in your QuickBooks. It defaults to Lastname, Firstname. "
                            "We recommend keeping this default.",
    "job_name_format": "The format of your customer jobs. It defaults to Project Number - Project Address. We "
                       "recommend keeping this format.",
    "default_ar_account_id": "Payments are categorized in the Undeposited Funds section of your QuickBooks unless you "
                             "choose a default Accounts Receivable account here. NOTE: The account must be an Accounts "
                             "Receivable account.",
    "expense_export_status": "Choose whether only Paid expenses transfer, or Paid & Approved expenses.",
}

EXPORT_FIELDS = ["export_employees", "export_customer_jobs", "export_invoices", "export_credit_memos",
                 "export_payments", "export_bills", "auto_print_invoices", "auto_export_expenses"]
SETTING_FIELDS = ["sync_after", "sync_type", "capitalize", "customer_name_format", "job_name_format",
                  "default_ar_account_id", "expense_export_status"]


def for_company(company_id: int, create: bool = True) -> QuickBooksSettings | None:
    settings = db.session.scalar(select(QuickBooksSettings).where(QuickBooksSettings.company_id == company_id))
    if settings is None and create:
        settings = QuickBooksSettings(company_id=company_id)
        db.session.add(settings)
        db.session.commit()
    return settings


def backend_and_realm(settings: QuickBooksSettings) -> tuple[str, str]:
    if settings.quickbooks_type == QuickBooksType.desktop:
        # Desktop links live under the company file's FileID (the one in the company's .qwc).
        from webapp.quickbooks.desktop import accounts

        return "desktop", accounts.ensure(settings.company_id).file_id
    return "online", settings.realm_id


def available_connections(company_id: int) -> list[QuickBooksConnection]:
    """The realms the company's admins have connected: the spec's "Realm ID boxes"."""
    return db.session.scalars(
        select(QuickBooksConnection).join(User, User.id == QuickBooksConnection.user_id).where(
            QuickBooksConnection.company_id == company_id, User.company_id == company_id, User.role == Role.admin,
            QuickBooksConnection.status != ConnectionStatus.disconnected,
        ).order_by(QuickBooksConnection.realm_id, QuickBooksConnection.id)).all()


SYNC_TYPE_LABELS = {SyncType.manual: "Manual by Button", SyncType.automatic: "Automatic"}
EXPENSE_STATUS_LABELS = {ExpenseExportStatus.paid: "Paid", ExpenseExportStatus.paid_and_approved: "Paid & Approved"}


class ConnectionForm(FlaskForm):
    quickbooks_type = RadioField("QuickBooks Type", choices=choices(QuickBooksType),
                                 coerce=QuickBooksType)
    enabled = BooleanField("Enable QuickBooks for this Company")


class SyncSettingsForm(FlaskForm):
    export_employees = BooleanField("Employee/Sales Rep Export")
    export_customer_jobs = BooleanField("Customer Job Export")
    export_invoices = BooleanField("Service Items & Invoices")
    export_credit_memos = BooleanField("Credit Memo Export")
    export_payments = BooleanField("Payment Export")
    export_bills = BooleanField("Vendors & Bill Export")
    auto_print_invoices = BooleanField("Auto Mark Invoices for Printing")
    auto_export_expenses = BooleanField("Auto Export Expenses on Work Order Completion")
    sync_after = DateField("Synchronize Contracts after this Date", validators=[Optional()])
    sync_type = RadioField("Synchronize Type", choices=choices(SyncType, SYNC_TYPE_LABELS.get), coerce=SyncType)
    capitalize = BooleanField("Synchronization Format: all data in capital letters")
    customer_name_format = SelectField("Customer Account Name Format",
                                       choices=choices(rules.CUSTOMER_NAME_FORMATS, rules.CUSTOMER_NAME_FORMATS.get),
                                       coerce=CustomerNameFormat)
    job_name_format = SelectField("Customer Job Format", choices=choices(rules.JOB_NAME_FORMATS, rules.JOB_NAME_FORMATS.get),
                                  coerce=JobNameFormat)
    default_ar_account_id = RecordSelectField("Default Accounts Receivable Account for Payments",
                                              model=FinancialAccount, order_by=FinancialAccount.name,
                                              text=lambda a: f"{a.label} ({a.account_type.value})",
                                              blank="— Undeposited Funds (default) —", active_only=True)
    expense_export_status = SelectField("Expense Export Status",
                                        choices=choices(ExpenseExportStatus, EXPENSE_STATUS_LABELS.get),
                                        coerce=ExpenseExportStatus)

    def validate_default_ar_account_id(self, field):
        if field.data is None:
            return
        account = db.session.get(FinancialAccount, field.data)
        if account is None or account.account_type != AccountType.accounts_receivable:
            raise ValidationError("The account must be an Accounts Receivable account. Choose one, or leave it "
                                  "empty to use Undeposited Funds.")
