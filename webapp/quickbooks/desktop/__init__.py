"""QuickBooks Desktop through Intuit's Web Connector.

Protocol layers (no database): schema, qbxml, safexml, errors, operations, soap, wsdl, qwc.
Application layers on top of them: accounts (the company's Web Connector login and .qwc), queue
(runs become queue entries), sender (the next qbXML message), service (the SOAP service and its
sessions), results (QuickBooks' answers, applied by an RQ job), imports and bills (queries), mapping
(records to qbXML fields), simulator and cli (the simulated Web Connector for development).
"""
