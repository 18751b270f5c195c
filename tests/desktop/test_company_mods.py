"""ClassMod, StandardTermsMod, CreditMemoMod, ReceivePaymentMod and BillMod: the builders (schema order,
required identity) against the simulated company (EditSequence check, validation, new EditSequence)."""

from __future__ import annotations

import pytest
from webapp.quickbooks.desktop import errors, mapping, qbxml
from webapp.quickbooks.desktop.schema import SEQUENCES


def one(qbd_company, request):
    message = qbxml.build_message([request])
    return qbxml.parse_response_message(qbd_company.process(message))[request.request_id]


def _children(request):
    return [child.tag for child in request.element[0]]


def _stale(qbd_company, builder, record, key, **fields):
    """A Mod with the EditSequence `record` had before it changed: 3200, and nothing applied."""
    before = qbd_company.find(record[key])
    response = one(qbd_company, builder("stale", {key: record[key], "EditSequence": record["EditSequence"], **fields}))
    assert response.status_code == errors.EDIT_SEQUENCE_OUT_OF_DATE and response.status_severity == "Error"
    assert qbd_company.find(record[key]) == before


@pytest.mark.parametrize("name", ["ClassMod", "StandardTermsMod", "CreditMemoMod", "ReceivePaymentMod", "BillMod"])
def test_mod_sequences_start_with_identity_and_edit_sequence(name):
    key = "ListID" if name in ("ClassMod", "StandardTermsMod") else "TxnID"
    assert SEQUENCES[name][:2] == (key, "EditSequence")
    entity = name[:-3]
    with pytest.raises(ValueError):
        qbxml.mod_request(entity, {key: "1-1"}, "r")  # no EditSequence: not valid qbXML


def test_mod_builders_put_children_in_schema_order():
    bill = qbxml.bill_mod("b", {"ExpenseLineMod": [{"Amount": 5, "AccountRef": "Job Materials", "TxnLineID": "-1"}],
                                "Memo": "m", "EditSequence": "7", "TxnID": "1-1", "VendorRef": "Home Supply Co"})
    assert _children(bill) == ["TxnID", "EditSequence", "VendorRef", "Memo", "ExpenseLineMod"]
    assert [c.tag for c in bill.element[0].find("ExpenseLineMod")] == ["TxnLineID", "AccountRef", "Amount"]
    payment = qbxml.receive_payment_mod("p", {"AppliedToTxnMod": [{"PaymentAmount": 1, "TxnID": "9-9"}],
                                              "TotalAmount": 1, "TxnID": "1-1", "EditSequence": "7"})
    assert _children(payment) == ["TxnID", "EditSequence", "TotalAmount", "AppliedToTxnMod"]
    with pytest.raises(ValueError):
        qbxml.receive_payment_mod("p", {"TxnID": "1-1", "EditSequence": "7", "IsAutoApply": True})
    memo = qbxml.credit_memo_mod("c", {"CreditMemoLineMod": [{"TxnLineID": "-1", "Amount": 3}], "Memo": "x",
                                       "TxnID": "1-1", "EditSequence": "7", "CustomerRef": "Acme Property Group"})
    assert _children(memo) == ["TxnID", "EditSequence", "CustomerRef", "Memo", "CreditMemoLineMod"]
    terms = qbxml.standard_terms_mod("t", {"StdDueDays": 10, "Name": "Net 10", "EditSequence": "7", "ListID": "1"})
    assert _children(terms) == ["ListID", "EditSequence", "Name", "StdDueDays"]
    with pytest.raises(ValueError):
        qbxml.class_mod("c", {"ListID": "1", "EditSequence": "1", "CustomerRef": "x"})  # not in ClassMod


def test_as_mod_turns_add_lines_into_new_mod_lines():
    bill = mapping.as_mod("Bill", {"VendorRef": {"ListID": "V"}, "ExternalGUID": "{G}",
                                   "ExpenseLineAdd": [{"AccountRef": {"ListID": "A"}, "Amount": 1}]}, "T-1", "5")
    assert bill == {"TxnID": "T-1", "EditSequence": "5", "VendorRef": {"ListID": "V"},
                    "ExpenseLineMod": [{"TxnLineID": "-1", "AccountRef": {"ListID": "A"}, "Amount": 1}]}
    emptied = mapping.as_mod("Bill", {"ExpenseLineAdd": []}, "T-1", "5")
    assert emptied == {"TxnID": "T-1", "EditSequence": "5", "ClearExpenseLines": True}
    memo = mapping.as_mod("CreditMemo", {"CreditMemoLineAdd": [{"Amount": 1}]}, "T-2", "5")
    assert memo["CreditMemoLineMod"] == [{"TxnLineID": "-1", "Amount": 1}]
    payment = mapping.as_mod("ReceivePayment", {"IsAutoApply": False, "TotalAmount": 3}, "T-3", "5")
    assert payment == {"TxnID": "T-3", "EditSequence": "5", "TotalAmount": 3}
    applied = mapping.as_mod("ReceivePayment", {"AppliedToTxnAdd": [{"TxnID": "I", "PaymentAmount": 3}]}, "T-3", "5")
    assert applied["AppliedToTxnMod"] == [{"TxnID": "I", "PaymentAmount": 3}]
    assert {"Class", "StandardTerms", "CreditMemo", "ReceivePayment", "Bill"} <= mapping.MODIFIABLE


def test_class_mod(qbd_company):
    cls = one(qbd_company, qbxml.class_add("c", {"Name": "Remodel", "ParentRef": "Residential"})).record
    modded = one(qbd_company, qbxml.class_mod("m", {"ListID": cls["ListID"], "EditSequence": cls["EditSequence"],
                                                    "Name": "Remodeling", "IsActive": False}))
    assert modded.status_code == 0
    record = modded.record
    assert record["ListID"] == cls["ListID"] and record["EditSequence"] != cls["EditSequence"]
    assert record["FullName"] == "Residential:Remodeling" and record["IsActive"] == "false"
    _stale(qbd_company, qbxml.class_mod, cls, "ListID", Name="Again")
    one(qbd_company, qbxml.class_add("c2", {"Name": "Addition", "ParentRef": "Residential"}))
    taken = one(qbd_company, qbxml.class_mod("t", {"ListID": cls["ListID"], "EditSequence": record["EditSequence"],
                                                   "Name": "Addition"}))
    assert taken.status_code == errors.NAME_IN_USE


def test_standard_terms_mod(qbd_company, clock):
    terms = one(qbd_company, qbxml.standard_terms_add("t", {"Name": "Net 45", "StdDueDays": 45})).record
    clock.advance(minutes=5)
    modded = one(qbd_company, qbxml.standard_terms_mod("m", {"ListID": terms["ListID"],
                                                             "EditSequence": terms["EditSequence"],
                                                             "Name": "Net 60", "StdDueDays": 60})).record
    assert modded["_type"] == "StandardTermsRet" and modded["StdDueDays"] == "60" and modded["Name"] == "Net 60"
    assert modded["EditSequence"] != terms["EditSequence"] and modded["TimeModified"] != terms["TimeModified"]
    _stale(qbd_company, qbxml.standard_terms_mod, terms, "ListID", StdDueDays=10)
    assert qbd_company.find_by_name("Terms", "Net 60")["StdDueDays"] == "60"


def test_credit_memo_mod_replaces_lines(qbd_company):
    memo = one(qbd_company, qbxml.credit_memo_add("cm", {"CustomerRef": "Acme Property Group", "CreditMemoLineAdd": [
        {"ItemRef": "Labor", "Quantity": 1}]})).record
    modded = one(qbd_company, qbxml.credit_memo_mod("m", {
        "TxnID": memo["TxnID"], "EditSequence": memo["EditSequence"], "Memo": "revised",
        "CreditMemoLineMod": [{"TxnLineID": "-1", "Desc": "Refund", "Amount": 40},
                              {"TxnLineID": "-1", "ItemRef": "Labor", "Quantity": 2}]}))
    assert modded.status_code == 0
    record = modded.record
    assert record["TxnID"] == memo["TxnID"] and record["EditSequence"] != memo["EditSequence"]
    assert record["TotalAmount"] == "210.00" and record["CreditRemaining"] == "210.00" and record["Memo"] == "revised"
    assert [line["Amount"] for line in record["CreditMemoLineRet"]] == ["40.00", "170.00"]
    assert memo["CreditMemoLineRet"][0]["TxnLineID"] not in {l["TxnLineID"] for l in record["CreditMemoLineRet"]}
    assert qbd_company.find_by_name("Customer", "Acme Property Group")["Balance"] == "-210.00"
    _stale(qbd_company, qbxml.credit_memo_mod, memo, "TxnID", Memo="late")
    unknown_line = one(qbd_company, qbxml.credit_memo_mod("u", {
        "TxnID": memo["TxnID"], "EditSequence": record["EditSequence"],
        "CreditMemoLineMod": [{"TxnLineID": "77-77", "Amount": 1}]}))
    assert unknown_line.status_code == errors.OBJECT_NOT_FOUND
    assert len(qbd_company.records("CreditMemo")) == 1


def test_receive_payment_mod_reapplies_to_invoices(qbd_company):
    invoice = one(qbd_company, qbxml.invoice_add("i", {"CustomerRef": "Acme Property Group", "InvoiceLineAdd": [
        {"ItemRef": "Labor", "Quantity": 4}]})).record  # 340.00
    payment = one(qbd_company, qbxml.receive_payment_add("p", {
        "CustomerRef": "Acme Property Group", "TotalAmount": 100,
        "AppliedToTxnAdd": [{"TxnID": invoice["TxnID"], "PaymentAmount": 100}]})).record
    assert qbd_company.find(invoice["TxnID"])["BalanceRemaining"] == "240.00"
    modded = one(qbd_company, qbxml.receive_payment_mod("m", {
        "TxnID": payment["TxnID"], "EditSequence": payment["EditSequence"], "TotalAmount": 300, "Memo": "more",
        "AppliedToTxnMod": [{"TxnID": invoice["TxnID"], "PaymentAmount": 250}]}))
    assert modded.status_code == 0
    record = modded.record
    assert record["TxnID"] == payment["TxnID"] and record["EditSequence"] != payment["EditSequence"]
    assert record["TotalAmount"] == "300.00" and record["UnusedPayment"] == "50.00"
    assert record["AppliedToTxnRet"][0]["Amount"] == "-250.00"
    assert qbd_company.find(invoice["TxnID"])["BalanceRemaining"] == "90.00"
    _stale(qbd_company, qbxml.receive_payment_mod, payment, "TxnID", TotalAmount=1)
    too_much = one(qbd_company, qbxml.receive_payment_mod("x", {
        "TxnID": payment["TxnID"], "EditSequence": record["EditSequence"], "TotalAmount": 100}))
    assert too_much.status_code == errors.INVALID_VALUE  # 250 stays applied: more than the new total
    assert qbd_company.find(invoice["TxnID"])["BalanceRemaining"] == "90.00"
    assert len(qbd_company.records("ReceivePayment")) == 1


def test_bill_mod_replaces_expense_lines(qbd_company, clock):
    bill = one(qbd_company, qbxml.bill_add("b", {"VendorRef": "Home Supply Co", "RefNumber": "HS-1", "ExpenseLineAdd": [
        {"AccountRef": "Job Materials", "Amount": 100}, {"AccountRef": "Equipment Rental", "Amount": 25.25}]})).record
    clock.advance(minutes=1)
    modded = one(qbd_company, qbxml.bill_mod("m", {
        "TxnID": bill["TxnID"], "EditSequence": bill["EditSequence"], "Memo": "corrected",
        "ExpenseLineMod": [{"TxnLineID": bill["ExpenseLineRet"][0]["TxnLineID"], "Amount": 150},
                           {"TxnLineID": "-1", "AccountRef": "Equipment Rental", "Amount": 10}]}))
    assert modded.status_code == 0
    record = modded.record
    assert record["TxnID"] == bill["TxnID"] and record["EditSequence"] != bill["EditSequence"]
    assert record["TimeModified"] != bill["TimeModified"]
    assert record["AmountDue"] == "160.00" and record["OpenAmount"] == "160.00" and record["Memo"] == "corrected"
    assert [line["Amount"] for line in record["ExpenseLineRet"]] == ["150.00", "10.00"]
    assert record["ExpenseLineRet"][0]["AccountRef"]["FullName"] == "Job Materials"
    _stale(qbd_company, qbxml.bill_mod, bill, "TxnID", Memo="late")
    bad = one(qbd_company, qbxml.bill_mod("x", {"TxnID": bill["TxnID"], "EditSequence": record["EditSequence"],
                                                "VendorRef": "Nobody Supplies"}))
    assert bad.status_code == errors.INVALID_REFERENCE
    cleared = one(qbd_company, qbxml.bill_mod("c", {"TxnID": bill["TxnID"], "EditSequence": record["EditSequence"],
                                                    "ClearExpenseLines": True})).record
    assert cleared["AmountDue"] == "0.00" and cleared.get("ExpenseLineRet", []) == []
    missing = one(qbd_company, qbxml.bill_mod("n", {"TxnID": "FFFF-1", "EditSequence": "1", "Memo": "?"}))
    assert missing.status_code == errors.OBJECT_NOT_FOUND
    assert len(qbd_company.records("Bill")) == 1


def test_mod_out_of_order_is_rejected_by_the_company(qbd_company):
    from sandbox.desktop.validation import MessageRejected
    request = qbxml.bill_mod("b", {"TxnID": "1-1", "EditSequence": "1", "Memo": "m"})
    body = request.element[0]
    body.insert(0, body[-1])  # Memo before TxnID
    with pytest.raises(MessageRejected):
        qbd_company.process(qbxml.build_message([request]))
