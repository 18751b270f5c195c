from __future__ import annotations

from wtforms import BooleanField, DateField
from wtforms.validators import InputRequired

from webapp.forms.invoices import SalesDocumentForm
from webapp.models import CreditMemo


class CreditMemoForm(SalesDocumentForm):
    model, record_label = CreditMemo, "credit memo"
    memo_date = DateField("Credit memo date", validators=[InputRequired("Enter the credit memo date.")])
    sync_enabled = BooleanField("Sync Credit Memo", default=True)
