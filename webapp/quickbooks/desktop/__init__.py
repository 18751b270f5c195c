"""QuickBooks Desktop through Intuit's Web Connector: qbXML messages, the SOAP service, the .qwc file.

Nothing here touches the database: the application implements ``soap.WebConnectorService`` on top
of its queue and passes it to ``soap.handle``.
"""
