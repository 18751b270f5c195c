"""All models, imported here so Alembic and the app see every table."""
from webapp.models.base import db  # noqa: F401
from webapp.models.company import Company  # noqa: F401
from webapp.models.people import EmploymentType, Role, User  # noqa: F401
from webapp.models.customers import Customer  # noqa: F401
from webapp.models.lists import (  # noqa: F401
    AccountType, FinancialAccount, InvoiceItem, ItemType, SalesTaxCode, Term, TrackingClass,
)
from webapp.models.projects import (  # noqa: F401
    Project, ProjectAssignment, ProjectStatus, ResponsibilityRole, WorkOrder, WorkOrderStatus,
)
from webapp.models.billing import (  # noqa: F401
    PAYMENT_METHODS, CreditMemo, CreditMemoLine, Invoice, InvoiceLine, Payment, PaymentAllocation,
)
from webapp.models.costs import Bill, BillLine, BillStatus, Vendor, VendorKind  # noqa: F401
from webapp.models.quickbooks import (  # noqa: F401
    ConnectionStatus, CustomerNameFormat, DeletionReminder, ExpenseExportStatus, JobNameFormat,
    QuickBooksConnection, QuickBooksSettings, QuickBooksType, SyncType,
)
from webapp.models.sync import Link, LinkState, RunStatus, SyncEvent, SyncRun  # noqa: F401
from webapp.models.desktop import (  # noqa: F401
    PENDING_STATUSES, DesktopWatermark, EntryStatus, QueueEntry, SessionStatus, WebConnectorAccount,
    WebConnectorMessage, WebConnectorSession,
)
from webapp.models.inbound import InboundCursor  # noqa: F401
