"""The simulated Web Connector driving real sessions: SOAP over HTTP to the service, qbXML to the
simulated company."""

from __future__ import annotations

import threading

import pytest

from sandbox.desktop.webconnector import run_from_paths, run_on_schedule, run_session
from webapp.quickbooks.desktop import qbxml
from webapp.quickbooks.desktop.qwc import build_qwc, parse_qwc

PASSWORD = "s3cret"


@pytest.fixture()
def qwc_text(service_url):
    return build_qwc(app_name="Contractors Cloud", app_url=service_url, app_support=service_url.rsplit("/", 1)[0],
                     user_name="acme-qbwc", owner_id="57f3b9b1-86f1-4fcc-b1ee-566de1813d20",
                     file_id="90a44fb5-33d9-4815-ac85-bc87a7e7d1eb", run_every_n_minutes=1)


def _messages():
    first = qbxml.build_message([
        qbxml.customer_add("1", {"Name": "WC Customer"}),
        qbxml.customer_add("2", {"Name": "Bathroom", "ParentRef": "WC Customer"}),
    ])
    second = qbxml.build_message([qbxml.invoice_add("3", {
        "CustomerRef": "WC Customer:Bathroom", "InvoiceLineAdd": [{"ItemRef": "Labor", "Quantity": 2}]})])
    return [first, second]


def test_full_session(qwc_text, service, qbd_company):
    service.messages = _messages()
    waits = []
    report = run_session(qwc_text, PASSWORD, qbd_company, wait=waits.append)
    assert report.ok, report.errors
    assert report.methods == ["serverVersion", "clientVersion", "authenticate", "sendRequestXML",
                              "receiveResponseXML", "sendRequestXML", "receiveResponseXML", "closeConnection"]
    assert service.calls[1] == ("client_version", ("2.3.0.215",))
    assert service.calls[2] == ("authenticate", ("acme-qbwc", PASSWORD))
    # the HCP response goes with the first sendRequestXML only
    sends = [args for name, args in service.calls if name == "send_request_xml"]
    assert [s[1] for s in sends] == [True, False]
    assert sends[0][2:] == (qbd_company.file_name, "US", 13, 0)
    assert qbxml.parse_hcp_response(service.hcp_responses[0]).company_name == "Contractors Demo Co"
    assert (report.requests_processed, report.responses_delivered, report.last_percentage) == (2, 2, 100)
    assert report.final_message == "OK: 2 response(s) received"
    assert report.calls[2].sent["strPassword"] == "<masked>"
    first = qbxml.parse_response_message(service.responses[0])
    assert first["2"].record["FullName"] == "WC Customer:Bathroom"
    invoice = qbxml.parse_response_message(service.responses[1])["3"].record
    assert qbd_company.find(invoice["TxnID"])["Subtotal"] == "170.00"
    assert waits == []


def test_noop_waits_then_continues(qwc_text, service, qbd_company):
    service.messages = _messages()[:1]
    service.noops_before_work = 2
    waits = []
    report = run_session(qwc_text, PASSWORD, qbd_company, wait=waits.append)
    assert report.ok, report.errors
    assert waits == [5.0, 5.0]
    assert report.methods[3:] == ["sendRequestXML", "getLastError", "sendRequestXML", "getLastError",
                                  "sendRequestXML", "receiveResponseXML", "closeConnection"]


def test_empty_request_with_error_text_ends_the_session(qwc_text, service, qbd_company):
    # authenticate sees work (a pending NoOp), but after the wait sendRequestXML has nothing to give
    service.noops_before_work = 1
    report = run_session(qwc_text, PASSWORD, qbd_company, wait=lambda s: None)
    assert report.methods[-3:] == ["sendRequestXML", "getLastError", "closeConnection"]
    assert report.errors == ["Nothing left to send"] and report.completed


def test_bad_password_stops_after_authenticate(qwc_text, service, qbd_company):
    service.messages = _messages()
    report = run_session(qwc_text, "wrong", qbd_company)
    assert report.auth_status == "nvu" and not report.ok and not report.completed
    assert report.methods == ["serverVersion", "clientVersion", "authenticate"]
    assert "nvu" in report.errors[0]


def test_no_work_closes_the_connection(qwc_text, service, qbd_company):
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.auth_status == "none" and report.ok
    assert report.methods == ["serverVersion", "clientVersion", "authenticate", "closeConnection"]


def test_busy_stops(qwc_text, service, qbd_company):
    service.messages = _messages()
    service.busy = True
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.auth_status == "busy" and not report.ok
    assert report.methods == ["serverVersion", "clientVersion", "authenticate"]


def test_client_version_refusal_stops(qwc_text, service, qbd_company):
    service.client_version_answer = "E:Please upgrade your Web Connector"
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.methods == ["serverVersion", "clientVersion"]
    assert "E:Please upgrade" in report.errors[0]


def test_company_that_cannot_open_goes_through_connection_error(qwc_text, service, qbd_company):
    service.messages = _messages()
    qbd_company.inject_fault("cannot_open")
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.methods == ["serverVersion", "clientVersion", "authenticate", "connectionError", "closeConnection"]
    name, args = next(c for c in service.calls if c[0] == "connection_error")
    assert args[1:] == ("0x80040408", "Could not start QuickBooks.")
    assert report.requests_processed == 0 and "0x80040408" in report.errors[0]


def test_connection_error_answering_a_path_retries_with_it(qwc_text, service, qbd_company):
    service.messages = _messages()[:1]
    service.company_file = r"C:\wrong\Other.QBW"
    service.connection_error_answer = qbd_company.file_name
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.ok, report.errors
    assert report.methods[3:] == ["connectionError", "sendRequestXML", "receiveResponseXML", "closeConnection"]


def test_rejected_message_reports_hresult_and_last_error(qwc_text, service, qbd_company):
    bad = ('<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">'
           '<CustomerAddRq requestID="1"><CustomerAdd><CompanyName>X</CompanyName><Name>X</Name></CustomerAdd>'
           '</CustomerAddRq></QBXMLMsgsRq></QBXML>')
    service.messages = [bad, _messages()[0]]
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.rejected_messages == 1 and report.last_percentage == -1
    assert report.methods[3:] == ["sendRequestXML", "receiveResponseXML", "getLastError", "closeConnection"]
    assert service.hresults == [("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")]
    assert "0x80040400" in report.errors[0]
    assert qbd_company.find_by_name("Customer", "X") is None


def test_dropped_response_ends_the_session_after_the_write(qwc_text, service, qbd_company):
    service.messages = _messages()
    qbd_company.inject_fault("drop_response")
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert report.dropped_responses == 1 and not report.completed
    assert report.methods[-1] == "sendRequestXML"  # never receiveResponseXML, never closeConnection
    assert service.responses == []
    assert qbd_company.find_by_name("Customer", "WC Customer:Bathroom") is not None


def test_service_fault_ends_the_session(qwc_text, service, qbd_company):
    service.messages = _messages()
    service.fail_in.add("receive_response_xml")
    report = run_session(qwc_text, PASSWORD, qbd_company)
    assert not report.completed and report.methods[-1] == "receiveResponseXML"
    assert "receiveResponseXML failed" in report.errors[0]


def test_unreachable_service(qbd_company):
    qwc = build_qwc(app_name="Gone", app_url="http://127.0.0.1:9/qbwc", app_support="http://127.0.0.1:9/",
                    user_name="u", owner_id="57f3b9b1-86f1-4fcc-b1ee-566de1813d20",
                    file_id="90a44fb5-33d9-4815-ac85-bc87a7e7d1eb")
    report = run_session(qwc, PASSWORD, qbd_company, timeout=5)
    assert report.calls == [] and "web service description" in report.errors[0]


def test_run_from_paths(tmp_path, qwc_text, service, qbd_company):
    service.messages = _messages()[:1]
    path = tmp_path / "acme.qwc"
    path.write_text(qwc_text)
    report = run_from_paths(path, PASSWORD, qbd_company.store.path)
    assert report.ok and report.requests_processed == 1
    assert qbd_company.find_by_name("Customer", "WC Customer") is not None


def test_schedule_runs_sessions_until_stopped(qwc_text, service, qbd_company):
    stop = threading.Event()
    reports = []

    def on_report(report):
        reports.append(report)
        stop.set()  # one scheduled run is enough to prove the loop calls the session

    service.messages = _messages()[:1]
    run_on_schedule(parse_qwc(qwc_text), PASSWORD, qbd_company, stop, on_report=on_report)
    assert len(reports) == 1 and reports[0].ok
