from webapp.extensions import db
from webapp.models import Vendor, VendorKind


def _data(**kw):
    data = {"kind": "installer", "name": "Peak Installers", "contact_name": "Jo", "email": "jo@peak.example",
            "phone": "555", "street": "", "city": "", "state": "", "postal_code": "", "is_1099": "y", "active": "y"}
    data.update(kw)
    return data


def test_list_filters_by_kind_and_search(admin_client, make_vendor):
    assert b"Add your installers, suppliers and vendors" in admin_client.get("/vendors/").data
    make_vendor(name="Alpha Install", kind=VendorKind.installer)
    make_vendor(name="Alpha Supply", kind=VendorKind.supplier)
    make_vendor(name="Beta Supply", kind=VendorKind.supplier)
    page = admin_client.get("/vendors/?kind=supplier&q=alpha")
    assert b"Alpha Supply" in page.data and b"Alpha Install" not in page.data and b"Beta Supply" not in page.data
    partial = admin_client.get("/vendors/?kind=installer", headers={"HX-Request": "true", "HX-Target": "vendors-table"})
    assert partial.data.lstrip().startswith(b'<div id="vendors-table"') and b"Alpha Install" in partial.data
    assert b"Alpha Supply" not in partial.data


def test_create_vendor(admin_client, company):
    response = admin_client.post("/vendors/new", data=_data())
    assert response.status_code == 302
    vendor = db.session.scalar(db.select(Vendor))
    assert (vendor.name, vendor.kind, vendor.is_1099) == ("Peak Installers", VendorKind.installer, True)
    assert vendor.company_id == company.id


def test_bad_input(admin_client):
    response = admin_client.post("/vendors/new", data=_data(name="", email="nope"))
    assert response.status_code == 400
    assert b"Enter the vendor&#39;s name." in response.data and b"Invalid email address." in response.data
    assert db.session.scalar(db.select(db.func.count(Vendor.id))) == 0


def test_name_unique_per_company(admin_client, make_vendor, make_company):
    make_vendor(name="Peak Installers")
    make_vendor(company=make_company(), name="Elsewhere")
    response = admin_client.post("/vendors/new", data=_data(name="peak installers"))
    assert response.status_code == 400 and "Another vendor already uses “peak installers”.".encode() in response.data
    # Another company's name is free to use.
    assert admin_client.post("/vendors/new", data=_data(name="Elsewhere")).status_code == 302


def test_edit_keeps_own_name(admin_client, make_vendor):
    vendor = make_vendor(name="Same")
    response = admin_client.post(f"/vendors/{vendor.id}/edit", data=_data(name="Same", active=""))
    assert response.status_code == 302
    db.session.refresh(vendor)
    assert vendor.active is False and vendor.kind == VendorKind.installer


def test_show_and_delete(admin_client, make_vendor, make_bill):
    vendor = make_vendor(name="Deletable")
    assert b"Deletable" in admin_client.get(f"/vendors/{vendor.id}").data
    admin_client.post(f"/vendors/{vendor.id}/delete")
    assert db.session.get(Vendor, vendor.id) is None
    used = make_bill().vendor
    response = admin_client.post(f"/vendors/{used.id}/delete", follow_redirects=True)
    assert b"has bills" in response.data and db.session.get(Vendor, used.id) is not None
