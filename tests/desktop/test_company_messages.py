"""Whole-message behaviour of the simulated company: schema rejection (0x80040400), onError,
persistence and the injectable faults."""

from __future__ import annotations

import pytest

from sandbox.desktop.company import CompanyUnavailable, DesktopCompany, MessageRejected, ResponseLost
from webapp.quickbooks.desktop import errors, qbxml


def wrap(body: str, on_error: str = "continueOnError", version: str = "13.0") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><?qbxml version="{version}"?><QBXML>'
            f'<QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>')


def send(qbd_company, *requests, on_error="continueOnError"):
    return qbxml.parse_response_message(qbd_company.process(qbxml.build_message(requests, on_error=on_error)))


GOOD_ADD = '<CustomerAddRq requestID="1"><CustomerAdd><Name>First OK</Name></CustomerAdd></CustomerAddRq>'


@pytest.mark.parametrize("body", [
    # CompanyName before Name: out of schema order
    '<CustomerAddRq requestID="2"><CustomerAdd><CompanyName>X</CompanyName><Name>X</Name></CustomerAdd></CustomerAddRq>',
    # an element CustomerAdd does not have
    '<CustomerAddRq requestID="2"><CustomerAdd><Name>X</Name><Nickname>x</Nickname></CustomerAdd></CustomerAddRq>',
    # nested order: City before Addr1
    '<CustomerAddRq requestID="2"><CustomerAdd><Name>X</Name><BillAddress><City>A</City><Addr1>1</Addr1>'
    '</BillAddress></CustomerAdd></CustomerAddRq>',
    # a required child missing
    '<InvoiceAddRq requestID="2"><InvoiceAdd><Memo>x</Memo></InvoiceAdd></InvoiceAddRq>',
    # a non-repeatable element twice
    '<CustomerAddRq requestID="2"><CustomerAdd><Name>X</Name><Name>Y</Name></CustomerAdd></CustomerAddRq>',
    # iterators exist only on some queries
    '<AccountQueryRq requestID="2" iterator="Start"><MaxReturned>5</MaxReturned></AccountQueryRq>',
    # an unknown request
    '<TeleportAddRq requestID="2"><TeleportAdd/></TeleportAddRq>',
    # query filters out of order
    '<CustomerQueryRq requestID="2"><ActiveStatus>All</ActiveStatus><MaxReturned>5</MaxReturned></CustomerQueryRq>',
])
def test_schema_violations_fail_the_whole_message_with_0x80040400(qbd_company, body):
    with pytest.raises(MessageRejected) as caught:
        qbd_company.process(wrap(GOOD_ADD + body))
    assert caught.value.hresult == errors.HRESULT_PARSE_ERROR == "0x80040400"
    assert caught.value.message == "QuickBooks found an error when parsing the provided XML text stream."
    # nothing of the message ran, not even the valid request before the bad one
    assert qbd_company.find_by_name("Customer", "First OK") is None


@pytest.mark.parametrize("text", [
    "not xml at all",
    wrap(GOOD_ADD, on_error="ignoreErrors"),
    wrap(GOOD_ADD, version="99.0"),
    '<?xml version="1.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">' + GOOD_ADD + "</QBXMLMsgsRq></QBXML>",
    '<?xml version="1.0"?><!DOCTYPE QBXML [<!ENTITY x "y">]><?qbxml version="13.0"?><QBXML>'
    '<QBXMLMsgsRq onError="continueOnError">' + GOOD_ADD + "</QBXMLMsgsRq></QBXML>",
])
def test_malformed_envelopes_are_rejected(qbd_company, text):
    with pytest.raises(MessageRejected) as caught:
        qbd_company.process(text)
    assert caught.value.hresult == "0x80040400"
    assert qbd_company.find_by_name("Customer", "First OK") is None


def test_continue_on_error_runs_every_request(qbd_company):
    responses = send(qbd_company, qbxml.customer_add("a", {"Name": "Acme Property Group"}),
                     qbxml.customer_add("b", {"Name": "After Error"}))
    assert responses["a"].status_code == errors.NAME_IN_USE and responses["b"].status_code == 0
    assert qbd_company.find_by_name("Customer", "After Error") is not None


def test_stop_on_error_skips_the_rest(qbd_company):
    responses = send(qbd_company, qbxml.customer_add("a", {"Name": "Acme Property Group"}),
                     qbxml.customer_add("b", {"Name": "Never Added"}), on_error="stopOnError")
    assert list(responses) == ["a"]
    assert qbd_company.find_by_name("Customer", "Never Added") is None
    # a query that matches nothing is not an error, so it does not stop the message
    responses = send(qbd_company, qbxml.customer_query("q", name_filter=("StartsWith", "zzz")),
                     qbxml.customer_add("c", {"Name": "Added After Empty Query"}), on_error="stopOnError")
    assert responses["q"].status_code == errors.NO_MATCH and responses["c"].status_code == 0


def test_state_persists_across_instances_and_reset_restores_the_seed(tmp_path, clock):
    path = tmp_path / "persist.sqlite"
    first = DesktopCompany(path, clock=clock)
    added = send(first, qbxml.customer_add("a", {"Name": "Persisted"}))["a"].record
    second = DesktopCompany(path, clock=clock)
    assert second.find(added["ListID"])["Name"] == "Persisted"
    second.reset()
    assert first.find(added["ListID"]) is None
    assert first.find_by_name("Customer", "Acme Property Group") is not None


@pytest.mark.parametrize("code", sorted(errors.LOCK_CODES))
def test_lock_fault_answers_the_code_without_applying(qbd_company, code):
    qbd_company.inject_fault("lock", count=1, status_code=code)
    responses = send(qbd_company, qbxml.customer_add("a", {"Name": "Locked Out"}),
                     qbxml.customer_add("b", {"Name": "Next One"}))
    assert responses["a"].status_code == code and responses["a"].status_severity == "Error"
    assert responses["b"].status_code == 0
    assert qbd_company.find_by_name("Customer", "Locked Out") is None
    assert errors.is_retryable_later(code)
    retry = send(qbd_company, qbxml.customer_add("a", {"Name": "Locked Out"}))
    assert retry["a"].status_code == 0


def test_lock_fault_does_not_touch_queries(qbd_company):
    qbd_company.inject_fault("lock", count=1)
    assert send(qbd_company, qbxml.customer_query("q"))["q"].status_code == 0
    assert send(qbd_company, qbxml.vendor_add("v", {"Name": "Blocked"}))["v"].status_code == errors.COULD_NOT_LOCK
    assert qbd_company.pending_faults() == []


def test_concurrent_edit_makes_the_next_mod_stale(qbd_company):
    record = qbd_company.find_by_name("Customer", "Acme Property Group")
    qbd_company.inject_fault("concurrent_edit")
    response = send(qbd_company, qbxml.customer_mod("m", {"ListID": record["ListID"],
                                                      "EditSequence": record["EditSequence"], "Notes": "mine"}))["m"]
    assert response.status_code == errors.EDIT_SEQUENCE_OUT_OF_DATE
    current = qbd_company.find(record["ListID"])
    assert current["EditSequence"] != record["EditSequence"] and "Notes" not in current
    retried = send(qbd_company, qbxml.customer_mod("m", {"ListID": record["ListID"],
                                                     "EditSequence": current["EditSequence"], "Notes": "mine"}))["m"]
    assert retried.status_code == 0


def test_dropped_response_still_applies_the_write(qbd_company):
    qbd_company.inject_fault("drop_response")
    with pytest.raises(ResponseLost) as caught:
        qbd_company.process(qbxml.build_message([qbxml.customer_add("a", {"Name": "Applied But Unanswered"})]))
    assert qbd_company.find_by_name("Customer", "Applied But Unanswered") is not None
    assert "Applied But Unanswered" in caught.value.response_xml
    # recovery by querying finds it; re-adding would be refused as a duplicate name
    assert send(qbd_company, qbxml.customer_query("q", full_names=["Applied But Unanswered"]))["q"].status_code == 0
    assert send(qbd_company, qbxml.customer_add("a", {"Name": "Applied But Unanswered"}))["a"].status_code == 3100


def test_cannot_open_fault_and_wrong_file(qbd_company):
    qbd_company.inject_fault("cannot_open", count=1)
    with pytest.raises(CompanyUnavailable) as caught:
        qbd_company.open("")
    assert caught.value.hresult == errors.HRESULT_COULD_NOT_START_QB
    qbd_company.open("")  # the fault is used up
    qbd_company.open(qbd_company.file_name.upper())  # Windows paths are case-insensitive
    with pytest.raises(CompanyUnavailable):
        qbd_company.open(r"C:\other\file.QBW")


def test_unknown_fault_kind_is_refused(qbd_company):
    with pytest.raises(ValueError):
        qbd_company.inject_fault("meteor")
    with pytest.raises(ValueError):
        qbd_company.inject_fault("lock", status_code=3100)


def test_host_and_company_queries(qbd_company):
    responses = send(qbd_company, qbxml.query_request("Host", "h"), qbxml.query_request("Company", "c"))
    host = responses["h"].record
    assert host["_type"] == "HostRet" and "13.0" in host["SupportedQBXMLVersion"]
    assert responses["c"].record["CompanyName"] == "Contractors Demo Co"


def test_concurrent_writers_on_one_company_file_lose_nothing(tmp_path, clock):
    import threading

    path = tmp_path / "shared.sqlite"
    DesktopCompany(path, clock=clock)
    failures = []

    def writer(prefix: str) -> None:
        qbd_company = DesktopCompany(path, clock=clock)  # like separate processes: own connection each
        for index in range(8):
            result = send(qbd_company, qbxml.customer_add("a", {"Name": f"{prefix} {index}"}))["a"]
            if result.status_code:
                failures.append(result.status_message)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("Left", "Right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    records = DesktopCompany(path, clock=clock).records("Customer")
    added = [r for r in records if r["Name"].split()[0] in ("Left", "Right")]
    assert len(added) == 16 and len({r["ListID"] for r in added}) == 16


def test_status_classification_for_the_queue():
    assert [errors.classify(c) for c in (0, 1, 500, 3100, 3120, 3140, 3175, 3200, 3210)] == [
        "ok", "no_match", "partial", "name_in_use", "not_found", "missing_reference", "retry_later", "stale", "error"]
    assert errors.severity(500) == "Warn" and errors.severity(3100) == "Error" and errors.severity(1) == "Info"
