"""The .qwc file a company admin downloads and opens in the Web Connector, and its parser.

Rules QBWC enforces, checked here so a bad file is never offered for download:
- AppURL is https, except http://localhost (or 127.0.0.1) for development;
- AppSupport is on the same host as AppURL;
- OwnerID and FileID are GUIDs written ``{XXXXXXXX-XXXX-...}``; each company needs its own
  UserName and FileID (QBWC1039 "Unique OwnerID/FileID pair value required").
The password is never in the file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from . import safexml

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def format_guid(value: str | uuid.UUID) -> str:
    """``{57F3B9B1-86F1-4FCC-B1EE-566DE1813D20}``, the form QBWC stores in the company file."""
    guid = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value).strip("{}"))
    return "{" + str(guid).upper() + "}"


def _check_urls(app_url: str, app_support: str) -> None:
    url = urlsplit(app_url)
    if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOCAL_HOSTS):
        raise ValueError("AppURL must be https (http only for localhost)")
    support = urlsplit(app_support)
    if support.scheme not in ("http", "https") or support.hostname != url.hostname:
        raise ValueError("AppSupport must be on the AppURL's host")


@dataclass(frozen=True)
class QwcConfig:
    app_name: str
    app_url: str
    app_support: str
    user_name: str
    owner_id: str
    file_id: str
    app_description: str = ""
    app_id: str = ""
    qb_type: str = "QBFS"
    run_every_n_minutes: int | None = None
    is_read_only: bool = False
    auth_flags: str | None = None
    personal_data_pref: str | None = None
    unattended_mode_pref: str | None = None


def build_qwc(*, app_name: str, app_url: str, app_support: str, user_name: str,
              owner_id: str | uuid.UUID, file_id: str | uuid.UUID, app_description: str = "",
              app_id: str = "", run_every_n_minutes: int | None = None, is_read_only: bool = False,
              qb_type: str = "QBFS", auth_flags: str | None = None, personal_data_pref: str | None = None,
              unattended_mode_pref: str | None = None) -> str:
    """The .qwc XML text. ``run_every_n_minutes`` adds the Scheduler block (QBWC's auto-run)."""
    _check_urls(app_url, app_support)
    if not user_name:
        raise ValueError("UserName is required")
    if run_every_n_minutes is not None and run_every_n_minutes < 1:
        raise ValueError("RunEveryNMinutes must be at least 1")
    root = etree.Element("QBWCXML")
    children: list[tuple[str, str | None]] = [
        ("AppName", app_name), ("AppID", app_id), ("AppURL", app_url), ("AppDescription", app_description),
        ("AppSupport", app_support), ("UserName", user_name), ("OwnerID", format_guid(owner_id)),
        ("FileID", format_guid(file_id)), ("QBType", qb_type),
    ]
    for name, value in children:
        etree.SubElement(root, name).text = value
    if run_every_n_minutes is not None:
        scheduler = etree.SubElement(root, "Scheduler")
        etree.SubElement(scheduler, "RunEveryNMinutes").text = str(int(run_every_n_minutes))
    etree.SubElement(root, "IsReadOnly").text = "true" if is_read_only else "false"
    for name, value in (("AuthFlags", auth_flags), ("PersonalDataPref", personal_data_pref),
                        ("UnattendedModePref", unattended_mode_pref)):
        if value is not None:
            etree.SubElement(root, name).text = value
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True).decode("utf-8")


def parse_qwc(source: str | bytes | Path) -> QwcConfig:
    """Read a .qwc from its XML text or a path to the file."""
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("<")):
        source = Path(source).read_bytes()
    root = safexml.parse(source)
    if safexml.local_name(root) != "QBWCXML":
        raise ValueError("not a .qwc file (root must be QBWCXML)")
    values = {safexml.local_name(c): (c.text or "").strip() for c in root if safexml.local_name(c)}
    minutes = root.findtext("Scheduler/RunEveryNMinutes")
    missing = [k for k in ("AppName", "AppURL", "AppSupport", "UserName", "OwnerID", "FileID") if not values.get(k)]
    if missing:
        raise ValueError(f".qwc lacks {', '.join(missing)}")
    return QwcConfig(
        app_name=values["AppName"], app_url=values["AppURL"], app_support=values["AppSupport"],
        user_name=values["UserName"], owner_id=values["OwnerID"], file_id=values["FileID"],
        app_description=values.get("AppDescription", ""), app_id=values.get("AppID", ""),
        qb_type=values.get("QBType", "QBFS"),
        run_every_n_minutes=int(minutes) if minutes and minutes.strip() else None,
        is_read_only=values.get("IsReadOnly", "false").lower() == "true",
        auth_flags=values.get("AuthFlags"), personal_data_pref=values.get("PersonalDataPref"),
        unattended_mode_pref=values.get("UnattendedModePref"),
    )
