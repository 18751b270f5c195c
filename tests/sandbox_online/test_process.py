"""State on disk survives a restart; reset reseeds; the command line prints what a developer needs."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from sandbox.online.control import SandboxControl
from sandbox.online.seed import LARGE_REALM_ID, SMALL_REALM_ID
from sandbox.online.testing import start_sandbox

ROOT = Path(__file__).resolve().parents[2]


def test_state_survives_restart_and_reset_reseeds(tmp_path):
    db = tmp_path / "persist.sqlite"
    with start_sandbox(db, companies=("small",)) as first:
        qb_token = first.control.dev_token(SMALL_REALM_ID)
        made = requests.post(f"{first.api_url}/company/{SMALL_REALM_ID}/customer", json={"DisplayName": "Kept"},
                             headers={"Authorization": f"Bearer {qb_token}"}).json()["Customer"]
        requests.post(f"{first.api_url}/company/{SMALL_REALM_ID}/customer", params={"requestid": "persisted-id"},
                      json={"DisplayName": "Once"}, headers={"Authorization": f"Bearer {qb_token}"})
        assert [c["realm_id"] for c in first.control.companies()] == [SMALL_REALM_ID]
    with start_sandbox(db, companies=("small",)) as second:
        headers = {"Authorization": f"Bearer {qb_token}"}  # tokens live in the file too
        again = requests.get(f"{second.api_url}/company/{SMALL_REALM_ID}/customer/{made['Id']}", headers=headers)
        assert again.status_code == 200 and again.json()["Customer"]["DisplayName"] == "Kept"
        replay = requests.post(f"{second.api_url}/company/{SMALL_REALM_ID}/customer", params={"requestid": "persisted-id"},
                               json={"DisplayName": "Once"}, headers=headers)
        assert replay.status_code == 200
        second.control.reset()
        headers = {"Authorization": f"Bearer {second.control.dev_token(SMALL_REALM_ID)}"}
        gone = requests.get(f"{second.api_url}/company/{SMALL_REALM_ID}/customer/{made['Id']}", headers=headers)
        assert gone.json()["Fault"]["Error"][0]["code"] == "610"
    with start_sandbox(db, companies=("small",), reset=True) as third:
        headers = {"Authorization": f"Bearer {third.control.dev_token(SMALL_REALM_ID)}"}
        count = requests.post(f"{third.api_url}/company/{SMALL_REALM_ID}/query", data="select count(*) from Customer",
                              headers=dict(headers, **{"Content-Type": "application/text"})).json()
        assert count["QueryResponse"]["totalCount"] == 5


def test_large_company_seeds_in_a_few_seconds(tmp_path):
    started = time.monotonic()
    with start_sandbox(tmp_path / "large.sqlite", companies=("large",)) as server:
        elapsed = time.monotonic() - started
        assert server.control.companies()[0]["realm_id"] == LARGE_REALM_ID
    assert elapsed < 5


def test_command_line_prints_base_url_realms_and_tokens(tmp_path):
    env = dict(os.environ, QBO_SANDBOX_CLIENT_ID="env-client", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "online", "--port", "0", "--db", str(tmp_path / "cli.sqlite")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while len([l for l in lines if "token:" in l]) < 2:
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        output = "".join(lines)
        base = re.search(r"sandbox at (http://\S+)", output).group(1)
        assert "client_id=env-client" in output
        tokens = dict(re.findall(r"(\d{16})\s+.*\n\s+token: (\S+)", output))
        assert set(tokens) == {SMALL_REALM_ID, LARGE_REALM_ID}
        info = requests.get(f"{base}/v3/company/{SMALL_REALM_ID}/companyinfo/{SMALL_REALM_ID}",
                            headers={"Authorization": f"Bearer {tokens[SMALL_REALM_ID]}", "Accept": "application/json"})
        assert info.status_code == 200 and info.json()["CompanyInfo"]["CompanyName"]
        control = SandboxControl(base)  # the same control client drives a standalone process
        assert {c["realm_id"] for c in control.companies()} == {SMALL_REALM_ID, LARGE_REALM_ID}
        assert control.dev_token(SMALL_REALM_ID) == tokens[SMALL_REALM_ID]
        process.terminate()  # SIGTERM, as a process manager sends it: a clean exit
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
