"""The Web Connector SOAP service of the real app, over HTTP, driven by zeep as QBWC drives it."""
from __future__ import annotations

import pytest
import requests
import zeep
from lxml import etree
from sqlalchemy import select

from tests.desktop_integration.conftest import PASSWORD, wait_for_run
from webapp.extensions import db
from webapp.models import QueueEntry, RunStatus, SessionStatus, WebConnectorMessage, WebConnectorSession
from webapp.quickbooks.desktop import qbxml


@pytest.fixture
def qbwc(live_url, desktop_app):
    return zeep.Client(live_url + "/qbwc?wsdl").service


def _strings(result):
    items = getattr(result, "string", result)  # zeep unwraps ArrayOfString to a list
    return ["" if s is None else s for s in items]


@pytest.fixture
def with_work(desktop_company, make_customer):
    setup = desktop_company("Protocol Co")
    customer = make_customer(company=setup.company, first_name="Grace", last_name="Hopper")
    run = setup.queued(setup.sync("push", "customer", customer))
    db.session.commit()
    return setup, run


def test_wsdl_and_versions(qbwc, live_url):
    wsdl = requests.get(live_url + "/qbwc?wsdl", timeout=10)
    assert wsdl.status_code == 200 and b'targetNamespace="http://developer.intuit.com/"' in wsdl.content
    assert f'location="{live_url}/qbwc"'.encode() in wsdl.content
    assert qbwc.serverVersion().startswith("Contractors Cloud")
    assert qbwc.clientVersion(strVersion="2.3.0.215") is None  # "" (proceed) arrives as None in zeep
    assert qbwc.clientVersion(strVersion="1.5.0.0").startswith("W:")


def test_bad_user_and_bad_password_get_nvu(qbwc, desktop_company):
    setup = desktop_company("Nvu Co")
    ticket, status = _strings(qbwc.authenticate(strUserName="nobody", strPassword=PASSWORD))[:2]
    assert status == "nvu" and len(ticket) >= 32
    ticket, status = _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword="wrong"))[:2]
    assert status == "nvu"
    db.session.expire_all()
    refused = db.session.scalar(select(WebConnectorSession).where(WebConnectorSession.company_id == setup.company.id))
    assert refused.status == SessionStatus.refused and refused.ticket_hash is None
    # an nvu ticket is worth nothing
    assert qbwc.sendRequestXML(ticket=ticket, strHCPResponse="", strCompanyFileName="", qbXMLCountry="US",
                               qbXMLMajorVers=13, qbXMLMinorVers=0) is None


def test_nothing_to_do_is_none(qbwc, desktop_company):
    setup = desktop_company("Idle Co")
    assert _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword=PASSWORD))[1] == "none"


def test_every_method_in_a_session_and_busy_for_a_second_one(qbwc, with_work, qbd):
    setup, run = with_work
    ticket, status = _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword=PASSWORD))[:2]
    assert status == ""
    busy = _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword=PASSWORD))
    assert busy[1] == "busy" and busy[0] != ticket

    book = qbd()
    request = qbwc.sendRequestXML(ticket=ticket, strHCPResponse=book.hcp_response(),
                                  strCompanyFileName=book.file_name, qbXMLCountry="US", qbXMLMajorVers=13,
                                  qbXMLMinorVers=0)
    root = etree.fromstring(request.split("?>", 2)[2].encode())
    msgs = root.find("QBXMLMsgsRq")
    assert msgs.get("onError") == "continueOnError"
    ids = [rq.get("requestID") for rq in msgs]
    assert len(ids) == len(set(ids)) == 1 and "<?qbxml version=\"13.0\"?>" in request
    assert qbwc.receiveResponseXML(ticket=ticket, response=book.process(request), hresult="", message="") == 100
    assert qbwc.getLastError(ticket=ticket) is None  # "" : no error
    assert qbwc.connectionError(ticket=ticket, hresult="0x80040408", message="Could not start QuickBooks.") == "done"
    assert "0x80040408" in qbwc.getLastError(ticket=ticket)
    closing = qbwc.closeConnection(ticket=ticket)
    assert closing.startswith("Contractors Cloud: 1 request(s) done, 0 error(s)")
    assert wait_for_run(run.id).status == RunStatus.succeeded
    assert qbwc.getInteractiveURL(wcTicket=ticket, sessionID="x") is None
    assert qbwc.interactiveDone(wcTicket=ticket) == "Done"
    assert "interactive" in qbwc.interactiveRejected(wcTicket=ticket, reason="no")
    # the closed session's ticket no longer works
    assert qbwc.sendRequestXML(ticket=ticket, strHCPResponse="", strCompanyFileName="", qbXMLCountry="US",
                               qbXMLMajorVers=13, qbXMLMinorVers=0) is None
    assert qbwc.receiveResponseXML(ticket=ticket, response="", hresult="", message="") == -1
    db.session.expire_all()
    session = db.session.scalar(select(WebConnectorSession).where(WebConnectorSession.company_id == setup.company.id,
                                                                  WebConnectorSession.status == SessionStatus.closed))
    assert session.product.startswith("QuickBooks") and session.messages_sent == session.responses_received == 1
    assert session.connection_error.startswith("0x80040408")


def test_bad_ticket(qbwc, desktop_app):
    assert qbwc.sendRequestXML(ticket="forged", strHCPResponse="", strCompanyFileName="", qbXMLCountry="US",
                               qbXMLMajorVers=13, qbXMLMinorVers=0) is None
    assert qbwc.receiveResponseXML(ticket="forged", response="<x/>", hresult="", message="") == -1
    assert "Unknown or expired ticket" in qbwc.getLastError(ticket="forged")
    assert qbwc.connectionError(ticket="forged", hresult="", message="") == "done"
    assert "unknown" in qbwc.closeConnection(ticket="forged")


def test_old_qbxml_version_is_refused_with_a_reason(qbwc, with_work):
    setup, run = with_work
    ticket = _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword=PASSWORD))[0]
    assert qbwc.sendRequestXML(ticket=ticket, strHCPResponse="", strCompanyFileName="", qbXMLCountry="US",
                               qbXMLMajorVers=8, qbXMLMinorVers=0) is None
    assert "qbXML 8.0" in qbwc.getLastError(ticket=ticket)
    qbwc.closeConnection(ticket=ticket)
    assert db.session.scalar(select(QueueEntry.status).where(QueueEntry.run_id == run.id)).value == "queued"


def test_message_quickbooks_could_not_parse(qbwc, with_work):
    setup, run = with_work
    ticket = _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword=PASSWORD))[0]
    qbwc.sendRequestXML(ticket=ticket, strHCPResponse="", strCompanyFileName="", qbXMLCountry="US",
                        qbXMLMajorVers=13, qbXMLMinorVers=0)
    percent = qbwc.receiveResponseXML(ticket=ticket, response="", hresult="0x80040400",
                                      message="QuickBooks found an error when parsing the provided XML text stream.")
    assert percent == 100
    run = wait_for_run(run.id)
    assert run.status == RunStatus.failed
    assert any("0x80040400" in e.message for e in run.events)


@pytest.mark.parametrize("body, why", [
    (b"<not-xml", "not well-formed"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaa">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/'
     b'soap/envelope/"><soap:Body/></soap:Envelope>', "DTD"),
    (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><dropTables '
     b'xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>', "Unknown operation"),
])
def test_malformed_requests_get_a_soap_fault(live_url, desktop_app, body, why):
    reply = requests.post(live_url + "/qbwc", data=body, headers={"Content-Type": "text/xml; charset=utf-8"},
                          timeout=10)
    assert reply.status_code == 500
    fault = etree.fromstring(reply.content).find(".//faultstring")
    assert why.lower() in fault.text.lower() and "Traceback" not in reply.text


def test_responses_are_stored_and_applied_by_the_worker(qbwc, with_work, qbd):
    setup, run = with_work
    ticket = _strings(qbwc.authenticate(strUserName=setup.account.username, strPassword=PASSWORD))[0]
    book = qbd()
    request = qbwc.sendRequestXML(ticket=ticket, strHCPResponse="", strCompanyFileName="", qbXMLCountry="US",
                                  qbXMLMajorVers=13, qbXMLMinorVers=0)
    response = book.process(request)
    assert qbwc.receiveResponseXML(ticket=ticket, response=response, hresult="", message="") == 100
    db.session.expire_all()
    message = db.session.scalar(select(WebConnectorMessage).where(WebConnectorMessage.company_id == setup.company.id))
    assert message.response_xml == response and message.processed_at is not None
    entry = db.session.scalar(select(QueueEntry).where(QueueEntry.run_id == run.id))
    assert entry.status.value == "done" and entry.request_id in request
    assert qbxml.parse_response_message(response)[entry.request_id].ok
