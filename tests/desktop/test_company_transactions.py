"""Invoices, payments, bills and credit memos through the builders, the simulated company and the parser."""

from __future__ import annotations

from webapp.quickbooks.desktop import errors, qbxml


def send(qbd_company, *requests, on_error="continueOnError"):
    return qbxml.parse_response_message(qbd_company.process(qbxml.build_message(requests, on_error=on_error)))


def one(qbd_company, request):
    return send(qbd_company, request)[request.request_id]


def _job(qbd_company, name="Kitchen"):
    return one(qbd_company, qbxml.customer_add("job", {"Name": name, "ParentRef": "Baker Residence"})).record


def _invoice(qbd_company, customer="Baker Residence:Kitchen", lines=None, **header):
    fields = {"CustomerRef": customer, "InvoiceLineAdd": lines or [{"ItemRef": "Labor", "Quantity": 4}], **header}
    return one(qbd_company, qbxml.invoice_add("inv", fields))


def test_invoice_add_computes_lines_totals_and_terms(qbd_company):
    _job(qbd_company)
    response = _invoice(qbd_company, lines=[{"ItemRef": "Labor", "Quantity": 4},
                                        {"ItemRef": "Consulting", "Desc": "Design", "Quantity": 1.5, "Rate": 100}],
                        TermsRef="Net 15", TxnDate="2026-02-01", SalesRepRef=None, IsToBePrinted=True,
                        ClassRef="Residential", Memo="Phase 1")
    assert response.status_code == 0
    invoice = response.record
    assert invoice["Subtotal"] == "490.00" and invoice["BalanceRemaining"] == "490.00"
    assert invoice["DueDate"] == "2026-02-16" and invoice["IsToBePrinted"] == "true"
    assert invoice["ARAccountRef"]["FullName"] == "Accounts Receivable"
    assert [line["Amount"] for line in invoice["InvoiceLineRet"]] == ["340.00", "150.00"]
    assert invoice["InvoiceLineRet"][0]["Rate"] == "85.00"  # the item's price
    assert invoice["RefNumber"]  # numbered by QuickBooks when not given
    parent = qbd_company.find_by_name("Customer", "Baker Residence")
    assert parent["Balance"] == "0.00" and parent["TotalBalance"] == "490.00"


def test_invoice_with_sales_rep_and_unknown_item(qbd_company):
    employee = qbd_company.find_by_name("Employee", "Dana Lopez")
    one(qbd_company, qbxml.sales_rep_add("r", {"Initial": "DL", "SalesRepEntityRef": {"ListID": employee["ListID"]}}))
    with_rep = _invoice(qbd_company, customer="Acme Property Group", SalesRepRef="DL", RefNumber="A-100")
    assert with_rep.record["SalesRepRef"]["FullName"] == "DL" and with_rep.record["RefNumber"] == "A-100"
    missing_item = _invoice(qbd_company, customer="Acme Property Group", lines=[{"ItemRef": "Unicorn", "Amount": 5}])
    assert missing_item.status_code == errors.INVALID_REFERENCE
    missing_customer = _invoice(qbd_company, customer="Nobody Inc")
    assert missing_customer.status_code == errors.INVALID_REFERENCE
    assert len(qbd_company.records("Invoice")) == 1


def test_invoice_mod_replaces_lines_and_keeps_payments(qbd_company):
    invoice = _invoice(qbd_company, customer="Acme Property Group").record
    line_id = invoice["InvoiceLineRet"][0]["TxnLineID"]
    modded = one(qbd_company, qbxml.invoice_mod("m", {
        "TxnID": invoice["TxnID"], "EditSequence": invoice["EditSequence"], "Memo": "revised",
        "InvoiceLineMod": [{"TxnLineID": line_id, "Quantity": 2}, {"TxnLineID": "-1", "Desc": "Permit", "Amount": 60}],
    })).record
    assert modded["Memo"] == "revised" and modded["Subtotal"] == "230.00"
    assert [line["Amount"] for line in modded["InvoiceLineRet"]] == ["170.00", "60.00"]
    assert modded["InvoiceLineRet"][0]["TxnLineID"] == line_id
    stale = one(qbd_company, qbxml.invoice_mod("s", {"TxnID": invoice["TxnID"], "EditSequence": invoice["EditSequence"],
                                                 "Memo": "lost update"}))
    assert stale.status_code == errors.EDIT_SEQUENCE_OUT_OF_DATE
    missing = one(qbd_company, qbxml.invoice_mod("x", {"TxnID": "FFFF-1", "EditSequence": "1", "Memo": "?"}))
    assert missing.status_code == errors.OBJECT_NOT_FOUND


def test_payment_reduces_invoice_balance(qbd_company):
    _job(qbd_company)
    invoice = _invoice(qbd_company).record  # 340.00
    payment = one(qbd_company, qbxml.receive_payment_add("p", {
        "CustomerRef": "Baker Residence", "TotalAmount": 300, "RefNumber": "CHK-1001", "PaymentMethodRef": "Check",
        "AppliedToTxnAdd": [{"TxnID": invoice["TxnID"], "PaymentAmount": 200}],
    }))
    assert payment.status_code == 0
    record = payment.record
    assert record["DepositToAccountRef"]["FullName"] == "Undeposited Funds"
    assert record["UnusedPayment"] == "100.00"
    assert record["AppliedToTxnRet"] == [{"TxnID": invoice["TxnID"], "TxnType": "Invoice",
                                          "TxnDate": invoice["TxnDate"], "RefNumber": invoice["RefNumber"],
                                          "BalanceRemaining": "140.00", "Amount": "-200.00"}]
    after = qbd_company.find(invoice["TxnID"])
    assert after["BalanceRemaining"] == "140.00" and after["IsPaid"] == "false"
    assert after["EditSequence"] != invoice["EditSequence"]  # applying a payment changes the invoice
    rest = one(qbd_company, qbxml.receive_payment_add("p2", {
        "CustomerRef": "Baker Residence:Kitchen", "AppliedToTxnAdd": [{"TxnID": invoice["TxnID"], "PaymentAmount": 140}],
    }))
    assert rest.record["TotalAmount"] == "140.00"
    assert qbd_company.find(invoice["TxnID"])["IsPaid"] == "true"
    payments = one(qbd_company, qbxml.receive_payment_query("q", ref_numbers=["CHK-1001"])).records
    assert [p["TxnID"] for p in payments] == [record["TxnID"]]


def test_payment_errors_change_nothing(qbd_company):
    invoice = _invoice(qbd_company, customer="Acme Property Group").record  # 340.00
    over = one(qbd_company, qbxml.receive_payment_add("o", {
        "CustomerRef": "Acme Property Group", "AppliedToTxnAdd": [{"TxnID": invoice["TxnID"], "PaymentAmount": 500}]}))
    assert over.status_code == errors.INVALID_VALUE
    unknown = one(qbd_company, qbxml.receive_payment_add("u", {
        "CustomerRef": "Acme Property Group", "AppliedToTxnAdd": [{"TxnID": "ABC-123", "PaymentAmount": 5}]}))
    assert unknown.status_code == errors.OBJECT_NOT_FOUND
    other_customer = one(qbd_company, qbxml.receive_payment_add("c", {
        "CustomerRef": "Baker Residence", "AppliedToTxnAdd": [{"TxnID": invoice["TxnID"], "PaymentAmount": 5}]}))
    assert other_customer.status_code == errors.OBJECT_NOT_FOUND
    assert qbd_company.records("ReceivePayment") == []
    assert qbd_company.find(invoice["TxnID"])["BalanceRemaining"] == "340.00"


def test_auto_apply_pays_oldest_invoices_first(qbd_company, clock):
    first = _invoice(qbd_company, customer="Acme Property Group", TxnDate="2026-01-01").record
    second = _invoice(qbd_company, customer="Acme Property Group", TxnDate="2026-01-10").record
    one(qbd_company, qbxml.receive_payment_add("p", {"CustomerRef": "Acme Property Group", "TotalAmount": 400,
                                                 "IsAutoApply": True}))
    assert qbd_company.find(first["TxnID"])["BalanceRemaining"] == "0.00"
    assert qbd_company.find(second["TxnID"])["BalanceRemaining"] == "280.00"
    assert qbd_company.find_by_name("Customer", "Acme Property Group")["Balance"] == "280.00"


def test_invoice_query_filters(qbd_company, clock):
    _job(qbd_company)
    old = _invoice(qbd_company).record
    clock.advance(days=3)
    watermark = clock.now()
    clock.advance(minutes=1)
    new = _invoice(qbd_company, customer="Acme Property Group").record
    recent = one(qbd_company, qbxml.invoice_query("r", from_modified=watermark)).records
    assert [r["TxnID"] for r in recent] == [new["TxnID"]]
    assert "InvoiceLineRet" not in recent[0]  # lines only with IncludeLineItems
    with_lines = one(qbd_company, qbxml.invoice_query("l", txn_ids=[old["TxnID"]], include_line_items=True)).record
    assert len(with_lines["InvoiceLineRet"]) == 1
    family = one(qbd_company, qbxml.invoice_query("f", entity_filter={"FullNameWithChildren": "Baker Residence"})).records
    assert [r["TxnID"] for r in family] == [old["TxnID"]]
    exact_parent = one(qbd_company, qbxml.invoice_query("e", entity_filter="Baker Residence"))
    assert exact_parent.status_code == errors.NO_MATCH
    partial = one(qbd_company, qbxml.invoice_query("p", txn_ids=[old["TxnID"], "DEAD-1"]))
    assert partial.status_code == errors.PARTIAL and len(partial.records) == 1


def test_invoice_iterator(qbd_company):
    for _ in range(3):
        _invoice(qbd_company, customer="Acme Property Group")
    start = qbxml.invoice_query("s", iterator="Start", max_returned=2, include_line_items=True)
    page = one(qbd_company, start)
    assert len(page.records) == 2 and page.iterator_remaining_count == 1
    assert "InvoiceLineRet" in page.records[0]
    rest = one(qbd_company, qbxml.continue_query(start, page.iterator_id, "c"))
    assert len(rest.records) == 1 and rest.iterator_remaining_count == 0


def test_bill_with_job_costing_lines(qbd_company, clock):
    _job(qbd_company)
    bill = one(qbd_company, qbxml.bill_add("b", {
        "VendorRef": "Home Supply Co", "RefNumber": "HS-7781", "TxnDate": "2026-01-04", "Memo": "Cabinets",
        "ExpenseLineAdd": [{"AccountRef": "Job Materials", "Amount": "1250.5", "CustomerRef": "Baker Residence:Kitchen",
                            "ClassRef": "Residential", "BillableStatus": "Billable", "Memo": "Oak"},
                           {"AccountRef": "Equipment Rental", "Amount": 99}],
    }))
    assert bill.status_code == 0
    record = bill.record
    assert record["AmountDue"] == "1349.50" and record["APAccountRef"]["FullName"] == "Accounts Payable"
    line = record["ExpenseLineRet"][0]
    assert line["CustomerRef"]["FullName"] == "Baker Residence:Kitchen" and line["BillableStatus"] == "Billable"
    bad_job = one(qbd_company, qbxml.bill_add("x", {"VendorRef": "Home Supply Co", "ExpenseLineAdd": [
        {"AccountRef": "Job Materials", "Amount": 1, "CustomerRef": "Baker Residence:Nope"}]}))
    assert bad_job.status_code == errors.INVALID_REFERENCE
    found = one(qbd_company, qbxml.bill_query("q", entity_filter="Home Supply Co",
                                          from_modified=clock.now(), include_line_items=True)).records
    assert [b["TxnID"] for b in found] == [record["TxnID"]]
    assert found[0]["ExpenseLineRet"][1]["Amount"] == "99.00"
    other_vendor = one(qbd_company, qbxml.bill_query("o", entity_filter="Rapid Electric LLC"))
    assert other_vendor.status_code == errors.NO_MATCH


def test_credit_memo(qbd_company):
    memo = one(qbd_company, qbxml.credit_memo_add("cm", {"CustomerRef": "Acme Property Group", "CreditMemoLineAdd": [
        {"ItemRef": "Labor", "Quantity": 1}]}))
    assert memo.status_code == 0
    assert memo.record["TotalAmount"] == "85.00" and memo.record["CreditRemaining"] == "85.00"
    assert memo.record["CreditMemoLineRet"][0]["Amount"] == "85.00"
    assert qbd_company.find_by_name("Customer", "Acme Property Group")["Balance"] == "-85.00"
