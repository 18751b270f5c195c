"""qbXML builders and parser on their own: order, escaping, limits, filters, envelope, parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from webapp.quickbooks.desktop import qbxml
from webapp.quickbooks.desktop.schema import ITERATOR_QUERIES, SEQUENCES


def _children(request: qbxml.Request, path: str = "*") -> list[str]:
    node = request.element if path == "*" else request.element.find(path)
    return [c.tag for c in node]


def test_children_follow_schema_order_whatever_the_mapping_order():
    request = qbxml.customer_add("r1", {
        "SalesRepRef": "DL", "Email": "a@b.c", "TermsRef": "Net 30", "ParentRef": "Acme", "Name": "Roof",
        "BillAddress": {"PostalCode": "78701", "Addr1": "1 Main", "City": "Austin"}, "IsActive": True,
        "ClassRef": "Residential",
    })
    body = _children(request, "CustomerAdd")
    assert body == ["Name", "IsActive", "ClassRef", "ParentRef", "BillAddress", "Email", "TermsRef", "SalesRepRef"]
    assert _children(request, "CustomerAdd/BillAddress") == ["Addr1", "City", "PostalCode"]
    order = SEQUENCES["CustomerAdd"]
    assert [order.index(t) for t in body] == sorted(order.index(t) for t in body)


def test_invoice_lines_and_header_in_order_with_formatted_values():
    request = qbxml.invoice_add("inv-1", {
        "InvoiceLineAdd": [{"Amount": Decimal("150"), "ItemRef": "Labor", "Quantity": 2, "Rate": "75"}],
        "IsToBePrinted": False, "SalesRepRef": "DL", "RefNumber": "1001", "TxnDate": dt.date(2026, 3, 1),
        "CustomerRef": {"ListID": "80000001-1"},
    })
    assert _children(request, "InvoiceAdd") == ["CustomerRef", "TxnDate", "RefNumber", "SalesRepRef",
                                                "IsToBePrinted", "InvoiceLineAdd"]
    line = request.element.find("InvoiceAdd/InvoiceLineAdd")
    assert [c.tag for c in line] == ["ItemRef", "Quantity", "Rate", "Amount"]
    assert line.findtext("Amount") == "150.00" and line.findtext("Quantity") == "2"
    assert request.element.findtext("InvoiceAdd/IsToBePrinted") == "false"
    assert request.element.findtext("InvoiceAdd/TxnDate") == "2026-03-01"


def test_text_is_escaped_not_interpreted():
    request = qbxml.customer_add("r1", {"Name": "Smith & Sons <LLC>", "Notes": "]]> \"quoted\" 'x'"})
    xml = qbxml.build_message([request])
    assert "Smith &amp; Sons &lt;LLC&gt;" in xml
    assert etree.fromstring(xml.encode()).findtext(".//Notes") == "]]> \"quoted\" 'x'"


def test_unknown_elements_and_missing_required_children_are_refused():
    with pytest.raises(ValueError, match="Nickname not allowed in CustomerAdd"):
        qbxml.customer_add("r1", {"Name": "A", "Nickname": "x"})
    with pytest.raises(ValueError, match="requires Name"):
        qbxml.customer_add("r1", {"CompanyName": "A"})
    with pytest.raises(ValueError, match="needs ListID and EditSequence"):
        qbxml.customer_mod("r1", {"ListID": "80000001-1", "Name": "A"})
    with pytest.raises(ValueError, match="exactly one of SalesOrPurchase"):
        qbxml.item_service_add("r1", {"Name": "Labor"})
    with pytest.raises(ValueError, match="IsAutoApply or AppliedToTxnAdd"):
        qbxml.receive_payment_add("r1", {"CustomerRef": "A", "IsAutoApply": True,
                                         "AppliedToTxnAdd": [{"TxnID": "1-1"}]})


def test_desktop_length_limits_are_enforced():
    with pytest.raises(qbxml.FieldTooLong, match="allows 41"):
        qbxml.customer_add("r1", {"Name": "x" * 42})
    with pytest.raises(qbxml.FieldTooLong, match="allows 31"):
        qbxml.item_service_add("r1", {"Name": "x" * 32, "SalesOrPurchase": {"Price": 1, "AccountRef": "Income"}})
    with pytest.raises(qbxml.FieldTooLong, match="allows 11"):
        qbxml.invoice_add("r1", {"CustomerRef": "A", "RefNumber": "123456789012"})
    with pytest.raises(qbxml.FieldTooLong, match="allows 20"):
        qbxml.bill_add("r1", {"VendorRef": "V", "RefNumber": "x" * 21})
    with pytest.raises(qbxml.FieldTooLong, match="SalesRepRef/FullName"):
        qbxml.invoice_add("r1", {"CustomerRef": "A", "SalesRepRef": "TOOLONG"})
    assert qbxml.customer_add("r1", {"Name": "x" * 41}).element.findtext(".//Name") == "x" * 41


def test_shortened_names_are_deterministic_distinct_and_within_limits():
    base = "Northwest Regional Medical Center Expansion Phase "
    first, second = qbxml.list_name("Customer", base + "One"), qbxml.list_name("Customer", base + "Two")
    assert len(first) == len(second) == 41
    assert first != second
    assert first == qbxml.list_name("Customer", base + "One")
    assert len(qbxml.list_name("Item", base)) == 31
    assert qbxml.list_name("Customer", "  Acme:  Roofing ") == "Acme- Roofing"
    assert qbxml.list_name("Vendor", "Short") == "Short"


def test_reference_numbers_keep_their_distinguishing_tail():
    first, second = qbxml.ref_number("Invoice", "PRJ-2026-000123"), qbxml.ref_number("Invoice", "PRJ-2026-000124")
    assert len(first) == 11 and first.endswith("000123") and second.endswith("000124")
    assert qbxml.ref_number("Bill", "B-1") == "B-1"
    assert len(qbxml.ref_number("ReceivePayment", "x" * 40)) == 20


def test_request_ids_are_bounded_and_unique_per_message():
    long_id = qbxml.make_request_id("queue-entry", "x" * 80, 7)
    assert len(long_id) == 50 and long_id.endswith("-7")
    with pytest.raises(ValueError):
        qbxml.customer_query("")
    a, b = qbxml.customer_query("same"), qbxml.vendor_query("same")
    with pytest.raises(ValueError, match="duplicate requestID"):
        qbxml.build_message([a, b])


def test_message_envelope():
    xml = qbxml.build_message([qbxml.account_query("1"), qbxml.class_query("2")], on_error="stopOnError")
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n<QBXML>'
                          '<QBXMLMsgsRq onError="stopOnError"><AccountQueryRq requestID="1"/>')
    with pytest.raises(ValueError):
        qbxml.build_message([qbxml.account_query("1")], on_error="ignore")
    with pytest.raises(ValueError):
        qbxml.build_message([])


def test_list_query_filters():
    request = qbxml.customer_query("q", active_status="All", to_modified=dt.datetime(2026, 2, 1, 8, 30),
                                   from_modified="2026-01-01T00:00:00", max_returned=50,
                                   name_filter=("StartsWith", "Ac"))
    assert _children(request) == ["MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter"]
    assert request.element.findtext("ToModifiedDate") == "2026-02-01T08:30:00"
    by_id = qbxml.customer_query("q", list_ids=["80000001-1", "80000002-1"])
    assert [c.text for c in by_id.element] == ["80000001-1", "80000002-1"]
    with pytest.raises(ValueError, match="identity lists exclude"):
        qbxml.customer_query("q", full_names=["A"], max_returned=5)
    with pytest.raises(ValueError, match="active_status"):
        qbxml.invoice_query("q", active_status="All")


def test_transaction_query_filters_nest_modified_dates():
    request = qbxml.bill_query("q", from_modified=dt.date(2026, 1, 1), entity_filter="Home Supply Co",
                               include_line_items=True, max_returned=10)
    assert _children(request) == ["MaxReturned", "ModifiedDateRangeFilter", "EntityFilter", "IncludeLineItems"]
    assert request.element.findtext("ModifiedDateRangeFilter/FromModifiedDate") == "2026-01-01"
    assert request.element.findtext("EntityFilter/FullName") == "Home Supply Co"
    by_ref = qbxml.receive_payment_query("q", ref_numbers=["P-1"])
    assert _children(by_ref) == ["RefNumber"]
    with pytest.raises(ValueError):
        qbxml.invoice_query("q", list_ids=["x"])
    with pytest.raises(ValueError, match="has no IncludeLineItems"):
        qbxml.customer_query("q", include_line_items=True)


@pytest.mark.parametrize("entity", ["Account", "Class", "Terms", "SalesTaxCode", "Employee", "SalesRep"])
def test_iterators_refused_where_quickbooks_has_none(entity):
    with pytest.raises(ValueError, match="does not iterate"):
        qbxml.query_request(entity, "q", iterator="Start")


def test_iterators_on_queries_that_allow_them():
    assert {"CustomerQuery", "InvoiceQuery", "BillQuery", "ReceivePaymentQuery"} <= ITERATOR_QUERIES
    start = qbxml.invoice_query("q1", iterator="Start", max_returned=25)
    assert start.element.get("iterator") == "Start" and start.element.get("iteratorID") is None
    nxt = qbxml.continue_query(start, "{ABC}", "q2")
    assert (nxt.element.get("iterator"), nxt.element.get("iteratorID"), nxt.request_id) == ("Continue", "{ABC}", "q2")
    assert start.element.get("iterator") == "Start"  # the original is untouched
    with pytest.raises(ValueError, match="needs iterator_id"):
        qbxml.customer_query("q", iterator="Continue")


RESPONSE = """<?xml version="1.0" ?>
<QBXML><QBXMLMsgsRs>
 <InvoiceQueryRs requestID="a" statusCode="0" statusSeverity="Info" statusMessage="Status OK"
   iteratorRemainingCount="3" iteratorID="{X-1}">
  <InvoiceRet><TxnID>1-1</TxnID><EditSequence>17</EditSequence>
   <CustomerRef><ListID>80000001-1</ListID><FullName>Acme:Roof</FullName></CustomerRef>
   <InvoiceLineRet><TxnLineID>1</TxnLineID><Amount>10.00</Amount></InvoiceLineRet>
  </InvoiceRet>
 </InvoiceQueryRs>
 <CustomerAddRs requestID="b" statusCode="3100" statusSeverity="Error" statusMessage="The name &quot;A&quot; is in use."/>
 <CustomerQueryRs requestID="c" statusCode="1" statusSeverity="Info" statusMessage="no match"/>
</QBXMLMsgsRs></QBXML>"""


def test_parse_response_message():
    responses = qbxml.parse_response_message(RESPONSE)
    assert list(responses) == ["a", "b", "c"]
    invoices = responses["a"]
    assert (invoices.status_code, invoices.iterator_id, invoices.iterator_remaining_count) == (0, "{X-1}", 3)
    record = invoices.record
    assert record["_type"] == "InvoiceRet" and record["CustomerRef"]["FullName"] == "Acme:Roof"
    assert record["InvoiceLineRet"] == [{"TxnLineID": "1", "Amount": "10.00"}]  # a list even for one line
    assert not responses["b"].ok and responses["b"].status_message == 'The name "A" is in use.'
    assert responses["c"].ok and responses["c"].records == []


def test_parse_refuses_doctype_and_non_qbxml():
    bomb = '<?xml version="1.0"?><!DOCTYPE QBXML [<!ENTITY a "aaaa">]><QBXML><QBXMLMsgsRs/></QBXML>'
    with pytest.raises(ValueError):
        qbxml.parse_response_message(bomb)
    with pytest.raises(ValueError):
        qbxml.parse_response_message("<Other/>")


def test_parse_hcp_response(qbd_company):
    info = qbxml.parse_hcp_response(qbd_company.hcp_response())
    assert info.company_name == "Contractors Demo Co" and info.country == "US"
    assert info.supports("13.0") and not info.supports("14.0")
    assert qbxml.parse_hcp_response("") is None


def test_version_negotiation():
    assert qbxml.version_for(13, 0) == "13.0" and qbxml.version_for(16, 0) == "13.0"
    assert qbxml.version_for(12, 1) is None
