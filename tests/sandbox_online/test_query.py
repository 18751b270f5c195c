"""The query language: grammar, operators, paging, counts and 4000 faults."""
from __future__ import annotations

import pytest
from quickbooks.exceptions import ValidationException
from quickbooks.objects import Customer, Item


def codes(response) -> str:
    return response.json()["Fault"]["Error"][0]["code"]


def test_select_where_and_in_like(api):
    rows = api.rows("SELECT * FROM Item WHERE Type = 'Service' AND Name IN ('Labor', 'Design', 'Materials')", "Item")
    assert sorted(r["Name"] for r in rows) == ["Design", "Labor"]
    assert [r["Name"] for r in api.rows("select * from Item where Name LIKE 'Con%'", "Item")] == ["Concrete"]
    assert [r["Name"] for r in api.rows("select * from Item where Name LIKE '%ign'", "Item")] == ["Design"]
    assert {r["Name"] for r in api.rows("select * from Item where UnitPrice >= 120", "Item")} == {"Installation", "Design", "Concrete"}
    assert {r["Name"] for r in api.rows("select * from Item where UnitPrice < 85", "Item")} == {"Services", "Permit Fees", "Materials"}
    assert {r["Name"] for r in api.rows("select * from Item where UnitPrice <= 85 and UnitPrice > 0", "Item")} == {"Labor"}


def test_booleans_refs_and_nested_fields(api):
    jobs = api.rows("select * from Customer where Job = true", "Customer")
    assert [j["DisplayName"] for j in jobs] == ["55 Twin Lane"]
    parent_id = jobs[0]["ParentRef"]["value"]
    assert [j["Id"] for j in api.rows(f"select * from Customer where ParentRef = '{parent_id}'", "Customer")] == [jobs[0]["Id"]]
    stamp = api.rows("select * from Customer", "Customer")[0]["MetaData"]["LastUpdatedTime"]
    newer = api.rows(f"select * from Customer where MetaData.LastUpdatedTime >= '{stamp}'", "Customer")
    assert len(newer) == 5
    assert api.rows(f"select * from Customer where MetaData.LastUpdatedTime > '{stamp}'", "Customer") == []


def test_contact_fields_compare_their_text(api):
    rows = api.rows("select * from Customer where PrimaryEmailAddr LIKE '%@example.com'", "Customer")
    assert [r["DisplayName"] for r in rows] == ["Amy Chen"]
    rows = api.rows("select * from Customer where PrimaryEmailAddr.Address = 'amy.chen@example.com'", "Customer")
    assert [r["DisplayName"] for r in rows] == ["Amy Chen"]


def test_escaped_quote_in_value(api, qb):
    customer = Customer()
    customer.DisplayName = "O'Brien Roofing"
    customer.save(qb=qb)
    assert [c["DisplayName"] for c in api.rows(r"select * from Customer where DisplayName = 'O\'Brien Roofing'", "Customer")] == ["O'Brien Roofing"]
    assert [c.DisplayName for c in Customer.filter(DisplayName="O'Brien Roofing", qb=qb)] == ["O'Brien Roofing"]


def test_orderby_paging_and_count(api):
    names = [r["Name"] for r in api.rows("select * from Account orderby Name desc", "Account")]
    assert names == sorted(names, key=str.casefold, reverse=True) and len(names) == 21
    response = api.query("select * from Account ORDERBY Name STARTPOSITION 3 MAXRESULTS 4").json()["QueryResponse"]
    assert response["startPosition"] == 3 and response["maxResults"] == 4
    assert [a["Name"] for a in response["Account"]] == sorted(names, key=str.casefold)[2:6]
    assert api.query("select count(*) from Account").json()["QueryResponse"] == {"totalCount": 21}
    assert api.query("select COUNT(*) from Account where AccountType = 'Bank'").json()["QueryResponse"] == {"totalCount": 2}


def test_paging_clauses_in_either_order(api):
    a = api.rows("select * from Account orderby Name startposition 2 maxresults 3", "Account")
    b = api.rows("select * from Account orderby Name maxresults 3 startposition 2", "Account")
    assert [r["Id"] for r in a] == [r["Id"] for r in b] and len(a) == 3
    assert api.query("select * from Account maxresults 3 maxresults 4").status_code == 400


def test_empty_result_omits_entity_key(api):
    body = api.query("select * from Customer where DisplayName = 'Nobody At All'").json()
    assert body["QueryResponse"] == {} and "time" in body


def test_get_query_parameter_works(api):
    response = api.get("query", query="select * from Term where Name = 'Net 30'")
    assert response.status_code == 200 and response.json()["QueryResponse"]["Term"][0]["DueDays"] == 30


@pytest.mark.parametrize("statement", [
    "select * from Customer where DisplayName = 'a' or DisplayName = 'b'",
    "select * from customer",
    "select * from Customer where",
    "select * Customer",
    "select * from Customer where DisplayName = 'unterminated",
    "select * from Customer maxresults 0",
    "delete from Customer",
    "select * from Customer, Vendor",
    "select * from Customer group by DisplayName",
])
def test_bad_queries_are_4000(api, statement):
    response = api.query(statement)
    assert response.status_code == 400
    assert codes(response) == "4000" and response.json()["Fault"]["Error"][0]["Message"] == "Error parsing query"


def test_python_quickbooks_all_where_count(qb):
    assert len(Item.all(qb=qb)) == 7  # sends "SELECT *, Sku FROM Item"
    assert Customer.count("Active = true", qb=qb) == 5
    with pytest.raises(ValidationException) as info:
        Customer.where("DisplayName = 'x' OR Job = true", qb=qb)
    assert info.value.error_code == 4000


def test_default_page_is_100_and_max_is_1000_paging_past_1000(make_api, large_realm):
    api = make_api(large_realm)
    default = api.query("select * from Item").json()["QueryResponse"]
    assert default["maxResults"] == 100 and default["startPosition"] == 1
    capped = api.query("select * from Item maxresults 5000").json()["QueryResponse"]
    assert capped["maxResults"] == 1000
    assert api.query("select count(*) from Item").json()["QueryResponse"]["totalCount"] == 10000
    seen, start = [], 1
    while True:
        page = api.query(f"select * from Item startposition {start} maxresults 1000").json()["QueryResponse"]
        if "Item" not in page:
            break
        seen += [row["Id"] for row in page["Item"]]
        start += 1000
    assert len(seen) == 10000 and len(set(seen)) == 10000 and seen[1000] == "1001"
    assert api.query("select count(*) from Customer").json()["QueryResponse"]["totalCount"] == 5000
    assert api.query("select count(*) from Account").json()["QueryResponse"]["totalCount"] == 2000
