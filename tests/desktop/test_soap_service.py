"""The Web Connector SOAP layer over real HTTP: zeep as the client, raw requests for the envelope
variations QBWC (and attackers) send."""

from __future__ import annotations

import pytest
import requests
import zeep
from lxml import etree

from webapp.quickbooks.desktop import soap
from webapp.quickbooks.desktop.operations import OPERATIONS
from webapp.quickbooks.desktop.wsdl import wsdl

NS = "http://developer.intuit.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"

INTUIT_PARAMETERS = {
    "serverVersion": [],
    "clientVersion": ["strVersion"],
    "authenticate": ["strUserName", "strPassword"],
    "sendRequestXML": ["ticket", "strHCPResponse", "strCompanyFileName", "qbXMLCountry", "qbXMLMajorVers",
                       "qbXMLMinorVers"],
    "receiveResponseXML": ["ticket", "response", "hresult", "message"],
    "connectionError": ["ticket", "hresult", "message"],
    "getLastError": ["ticket"],
    "closeConnection": ["ticket"],
    "getInteractiveURL": ["wcTicket", "sessionID"],
    "interactiveDone": ["wcTicket"],
    "interactiveRejected": ["wcTicket", "reason"],
}


def post(url, body: str | bytes, action: str | None = None, content_type="text/xml; charset=utf-8"):
    headers = {"Content-Type": content_type}
    if action is not None:
        headers["SOAPAction"] = action
    return requests.post(url, data=body.encode() if isinstance(body, str) else body, headers=headers, timeout=10)


def result_text(response: requests.Response, operation: str) -> str | None:
    root = etree.fromstring(response.content)
    node = root.find(f"{{{SOAP11}}}Body/{{{NS}}}{operation}Response/{{{NS}}}{operation}Result")
    assert node is not None, response.text
    return node.text


def fault_of(response: requests.Response) -> tuple[str, str]:
    assert response.status_code == 500
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None, response.text
    return fault.findtext("faultcode"), fault.findtext("faultstring")


def test_wsdl_lists_intuits_operations_and_parameter_names(_zeep_client):
    binding = _zeep_client.wsdl.services["QBWebConnectorSvc"].ports["QBWebConnectorSvcSoap"].binding
    operations = binding._operations
    assert set(operations) == set(INTUIT_PARAMETERS) and len(operations) == 11
    for name, parameters in INTUIT_PARAMETERS.items():
        operation = operations[name]
        assert [e[0] for e in operation.input.body.type.elements] == parameters, name
        assert [e[0] for e in operation.output.body.type.elements] == [name + "Result"]
        assert operation.soapaction == NS + name
        assert operation.input.body.qname.namespace == NS


def test_wsdl_address_is_the_given_url_and_escaped():
    document = etree.fromstring(wsdl("https://app.example.com/qbwc?a=1&b=2"))
    address = document.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert address.get("location") == "https://app.example.com/qbwc?a=1&b=2"
    assert document.get("targetNamespace") == NS
    assert set(OPERATIONS) == set(INTUIT_PARAMETERS)


def test_every_method_through_zeep(qbwc, service):
    assert qbwc.serverVersion() == "Contractors Cloud QBWC test 1.0"
    assert qbwc.clientVersion(strVersion="2.3.0.215") in ("", None)  # zeep reads an empty string as None
    service.messages = ["<msg-1/>", "<msg-2/>"]
    auth = qbwc.authenticate(strUserName="acme-qbwc", strPassword="s3cret")
    ticket, company_file, third = auth  # three items, the None from the service sent as ""
    assert len(ticket) == 32 and company_file in ("", None) and third in ("", None)
    request = qbwc.sendRequestXML(ticket=ticket, strHCPResponse="<hcp/>", strCompanyFileName="C:\\a.QBW",
                                    qbXMLCountry="US", qbXMLMajorVers=13, qbXMLMinorVers=0)
    assert request == "<msg-1/>"
    assert service.calls[-1] == ("send_request_xml", (ticket, True, "C:\\a.QBW", "US", 13, 0))
    assert qbwc.receiveResponseXML(ticket=ticket, response="<QBXML>ok &amp; done</QBXML>", hresult="",
                                     message="") == 50
    assert service.responses == ["<QBXML>ok &amp; done</QBXML>"]  # markup arrives as text, intact
    assert qbwc.receiveResponseXML(ticket=ticket, response="<r/>", hresult="", message="") == 100
    assert qbwc.connectionError(ticket=ticket, hresult="0x80040408", message="Could not start QuickBooks.") == "done"
    service.tickets[ticket]["last_error"] = "Something to tell the user"
    assert qbwc.getLastError(ticket=ticket) == "Something to tell the user"
    assert qbwc.getInteractiveURL(wcTicket=ticket, sessionID="s-1") in ("", None)
    assert qbwc.interactiveDone(wcTicket=ticket) == "Done"
    assert qbwc.interactiveRejected(wcTicket=ticket, reason="user said no") == "Interactive mode declined: user said no"
    assert qbwc.closeConnection(ticket=ticket) == "OK: 2 response(s) received"
    assert service.methods == ["server_version", "client_version", "authenticate", "send_request_xml",
                               "receive_response_xml", "receive_response_xml", "connection_error", "get_last_error",
                               "get_interactive_url", "interactive_done", "interactive_rejected", "close_connection"]


def test_bad_password_is_nvu(qbwc, service):
    ticket, status = qbwc.authenticate(strUserName="acme-qbwc", strPassword="wrong")
    assert status == "nvu" and ticket
    ticket, status = qbwc.authenticate(strUserName="someone-else", strPassword="s3cret")
    assert status == "nvu"


QBWC_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Body>
    <receiveResponseXML xmlns="http://developer.intuit.com/">
      <ticket>{ticket}</ticket>
      <response />
      <hresult>0x80040400</hresult>
      <message>QuickBooks found an error when parsing the provided XML text stream.</message>
    </receiveResponseXML>
  </soap:Body>
</soap:Envelope>"""


def _open_session(service) -> str:
    service.messages = ["<m/>"]
    ticket = service.authenticate("acme-qbwc", "s3cret")[0]
    service.calls.clear()
    return ticket


def test_qbwc_style_envelope_with_empty_parameters(service_url, service):
    ticket = _open_session(service)
    response = post(service_url, QBWC_STYLE.format(ticket=ticket), '"http://developer.intuit.com/receiveResponseXML"')
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    assert result_text(response, "receiveResponseXML") == "-1"
    assert service.calls == [("receive_response_xml", (ticket, "", "0x80040400",
                                                       "QuickBooks found an error when parsing the provided XML "
                                                       "text stream."))]


@pytest.mark.parametrize("envelope,action", [
    # prefixed operation and parameters, unquoted SOAPAction
    ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://developer.intuit.com/">'
     '<s:Header/><s:Body><i:getLastError><i:ticket>{t}</i:ticket></i:getLastError></s:Body></s:Envelope>',
     "http://developer.intuit.com/getLastError"),
    # default namespace, no SOAPAction header at all
    ('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>'
     '<getLastError xmlns="http://developer.intuit.com/"><ticket>{t}</ticket></getLastError></Body></Envelope>', None),
    # unqualified parameters, empty SOAPAction, lots of whitespace
    ('\n\n  <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">\n <soap:Body>\n'
     '   <tns:getLastError xmlns:tns="http://developer.intuit.com/">\n  <ticket>\n{t}\n</ticket>\n'
     '   </tns:getLastError>\n </soap:Body>\n</soap:Envelope>\n', '""'),
])
def test_envelope_variations(service_url, service, envelope, action):
    ticket = _open_session(service)
    service.tickets[ticket]["last_error"] = "hello"
    response = post(service_url, envelope.replace("{t}", ticket), action)
    assert response.status_code == 200, response.text
    assert result_text(response, "getLastError") == "hello"
    received = service.calls[0][1][0]
    assert received.strip() == ticket


def test_soap_12_envelope_gets_a_soap_12_answer(service_url, service):
    body = ('<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>'
            '<serverVersion xmlns="http://developer.intuit.com/"/></env:Body></env:Envelope>')
    response = post(service_url, body, None, content_type="application/soap+xml; charset=utf-8")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/soap+xml")
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    assert root.findtext(f".//{{{NS}}}serverVersionResult") == "Contractors Cloud QBWC test 1.0"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<authenticate xmlns="http://developer.intuit.com/"><strUserName>&lol4;</strUserName><strPassword>x</strPassword>
</authenticate></soap:Body></soap:Envelope>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<getLastError xmlns="http://developer.intuit.com/"><ticket>&xxe;</ticket></getLastError></soap:Body></soap:Envelope>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_doctype_and_entities_are_refused_with_a_fault(service_url, service, body):
    response = post(service_url, body, "http://developer.intuit.com/authenticate")
    code, message = fault_of(response)
    assert code == "soap:Client" and "DTD" in message
    assert service.calls == []  # the service never saw it
    assert b"Traceback" not in response.content and b"root:" not in response.content


@pytest.mark.parametrize("body,action,expected", [
    ("this is not xml", None, "not well-formed"),
    ("", None, "not well-formed"),
    ("<notsoap/>", None, "Not a SOAP envelope"),
    ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>', None,
     "Body is empty"),
    ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
     '<dropTables xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>', None, "Unknown operation"),
    ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
     '<serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>',
     '"http://developer.intuit.com/closeConnection"', "SOAPAction does not match"),
    ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
     '<sendRequestXML xmlns="http://developer.intuit.com/"><ticket>t</ticket><qbXMLMajorVers>thirteen'
     '</qbXMLMajorVers></sendRequestXML></soap:Body></soap:Envelope>', None, "qbXMLMajorVers must be an integer"),
    ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
     '<serverVersion xmlns="urn:other"/></soap:Body></soap:Envelope>', None, "namespace"),
])
def test_bad_requests_are_client_faults(service_url, service, body, action, expected):
    response = post(service_url, body, action)
    code, message = fault_of(response)
    assert code == "soap:Client" and expected in message
    assert service.calls == []


def test_service_exception_is_a_generic_server_fault(service_url, service, qbwc):
    service.fail_in.add("get_last_error")
    response = post(service_url, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
                                 '<getLastError xmlns="http://developer.intuit.com/"><ticket>t</ticket></getLastError>'
                                 '</soap:Body></soap:Envelope>', '"http://developer.intuit.com/getLastError"')
    code, message = fault_of(response)
    assert code == "soap:Server" and message == "The server could not process the request"
    assert b"secret internal detail" not in response.content and b"Traceback" not in response.content
    service.fail_in.add("server_version")
    with pytest.raises(zeep.exceptions.Fault) as caught:
        qbwc.serverVersion()
    assert caught.value.message == "The server could not process the request"


def test_wrong_result_type_from_service_is_a_server_fault(service):
    class BrokenService(type(service)):
        def receive_response_xml(self, *args):
            return "not a number"

    body = (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            b'<receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>t</ticket></receiveResponseXML>'
            b'</soap:Body></soap:Envelope>')
    status, reply = soap.handle(body, None, BrokenService())
    assert status == 500 and b"soap:Server" in reply
    assert isinstance(BrokenService(), soap.WebConnectorService)


def test_soap_12_client_fault_is_soap_12(service):
    body = (b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>'
            b'<nope xmlns="http://developer.intuit.com/"/></env:Body></env:Envelope>')
    reply = soap.handle(body, None, service)
    assert reply.status == 500 and reply.content_type.startswith("application/soap+xml")
    root = etree.fromstring(reply.body)
    assert root.findtext(".//{http://www.w3.org/2003/05/soap-envelope}Value") == "soap:Sender"
    assert root.findtext(".//{http://www.w3.org/2003/05/soap-envelope}Text") == "Unknown operation"


@pytest.mark.parametrize("done,remaining,expected", [(0, 0, 100), (3, 0, 100), (0, 5, 0), (1, 1, 50),
                                                     (999, 1, 99)])
def test_progress_percentage(done, remaining, expected):
    assert soap.progress_percentage(done, remaining) == expected
