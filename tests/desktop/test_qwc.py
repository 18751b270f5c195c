"""The .qwc file: what QBWC needs in it, and reading it back."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from webapp.quickbooks.desktop.qwc import QwcConfig, build_qwc, format_guid, parse_qwc

OWNER = "57f3b9b1-86f1-4fcc-b1ee-566de1813d20"
FILE = uuid.UUID("90a44fb5-33d9-4815-ac85-bc87a7e7d1eb")


def _build(**overrides):
    options = dict(app_name="Contractors Cloud", app_url="https://app.example.com/qbwc",
                   app_support="https://app.example.com/support", user_name="acme-7f3a", owner_id=OWNER,
                   file_id=FILE, app_description="Sync & more <fast>", run_every_n_minutes=15)
    options.update(overrides)
    return build_qwc(**options)


def test_build_has_qbwc_elements_in_order():
    root = etree.fromstring(_build().encode())
    assert root.tag == "QBWCXML"
    assert [c.tag for c in root] == ["AppName", "AppID", "AppURL", "AppDescription", "AppSupport", "UserName",
                                     "OwnerID", "FileID", "QBType", "Scheduler", "IsReadOnly"]
    assert root.findtext("OwnerID") == "{57F3B9B1-86F1-4FCC-B1EE-566DE1813D20}"
    assert root.findtext("FileID") == "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}"
    assert root.findtext("Scheduler/RunEveryNMinutes") == "15"
    assert root.findtext("QBType") == "QBFS" and root.findtext("IsReadOnly") == "false"
    assert root.findtext("AppDescription") == "Sync & more <fast>"
    assert "Password" not in _build()


def test_round_trip_from_text_and_path(tmp_path):
    text = _build(auth_flags="0xF", unattended_mode_pref="umpRequired")
    config = parse_qwc(text)
    assert config == QwcConfig(app_name="Contractors Cloud", app_url="https://app.example.com/qbwc",
                               app_support="https://app.example.com/support", user_name="acme-7f3a",
                               owner_id=format_guid(OWNER), file_id=format_guid(FILE),
                               app_description="Sync & more <fast>", run_every_n_minutes=15, auth_flags="0xF",
                               unattended_mode_pref="umpRequired")
    path = tmp_path / "qbd_company.qwc"
    path.write_text(text)
    assert parse_qwc(path) == config
    assert parse_qwc(str(path)) == config
    assert parse_qwc(_build(run_every_n_minutes=None)).run_every_n_minutes is None


@pytest.mark.parametrize("overrides,message", [
    ({"app_url": "http://app.example.com/qbwc"}, "https"),
    ({"app_support": "https://elsewhere.example.org/help"}, "AppSupport"),
    ({"user_name": ""}, "UserName"),
    ({"run_every_n_minutes": 0}, "RunEveryNMinutes"),
    ({"owner_id": "not-a-guid"}, "hexadecimal UUID"),
])
def test_invalid_settings_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        _build(**overrides)


def test_localhost_may_use_http():
    text = _build(app_url="http://localhost:5000/qbwc", app_support="http://localhost:5000/")
    assert parse_qwc(text).app_url == "http://localhost:5000/qbwc"


def test_parse_refuses_other_documents():
    with pytest.raises(ValueError, match="QBWCXML"):
        parse_qwc("<Other/>")
    with pytest.raises(ValueError, match="lacks"):
        parse_qwc("<QBWCXML><AppName>x</AppName></QBWCXML>")
    with pytest.raises(ValueError):
        parse_qwc('<!DOCTYPE QBWCXML [<!ENTITY e "x">]><QBWCXML><AppName>&e;</AppName></QBWCXML>')
