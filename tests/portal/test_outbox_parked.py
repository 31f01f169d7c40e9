"""Parked 12345 submissions as staff meet them: listed masked by the real action server over
HTTP (only with the outbox key), sent again once what was wrong is fixed, or removed when
handled, with the phone number gone from the outbox file's bytes."""

from __future__ import annotations

import sqlite3
import stat
import time
import uuid
from typing import Iterator

import pytest
import requests

from common import number_finder
from portal.client import PortalClient
from portal.errors import PortalRefused
from portal.models import CaseRequest
from portal.outbox import Outbox
from portal.sandbox.server import database_path
from tests.stack import Stack, start_stack
from tests.stored_numbers import files_of, phones_in

PHONE = "13912347777"


@pytest.fixture(scope="module")
def actions(tmp_path_factory) -> Iterator[Stack]:
    """The sandbox and the action server alone: the routes need no Rasa."""
    stack = start_stack(tmp_path_factory.mktemp("parked"), names=["portal-sandbox", "action-server"])
    yield stack
    stack.stop()


class Staff:
    """The console's side of the contract: plain HTTP with the outbox key."""

    def __init__(self, stack: Stack) -> None:
        self.url = f"http://127.0.0.1:{stack.settings.dialogue.action_port}/outbox/parked"
        self.key = stack.env[stack.settings.dialogue.outbox_key_env]

    def get(self, key: str = "") -> requests.Response:
        return requests.get(self.url, headers={"Authorization": f"Bearer {key or self.key}"}, timeout=10)

    def post(self, reference: str, action: str) -> requests.Response:
        return requests.post(f"{self.url}/{reference}/{action}", headers={"Authorization": f"Bearer {self.key}"},
                             timeout=10)


def park(stack: Stack, description: str, district: str = "章贡区", key: str = "") -> str:
    """A submission the portal refuses, written to the action server's own outbox file."""
    client = PortalClient(stack.settings.portal.url, key or stack.portal_key, retries=0)
    outbox = Outbox(stack.settings.data_dir / "outbox.sqlite3", client)
    before = {entry.reference for entry in outbox.parked()}
    with pytest.raises(PortalRefused):
        outbox.submit_or_queue(CaseRequest("其他", description, "人民路", district, PHONE))
    client.close()
    [reference] = {entry.reference for entry in outbox.parked()} - before
    return reference


def cases(stack: Stack, description: str) -> int:
    with sqlite3.connect(database_path(stack.settings)) as db:
        return db.execute("SELECT COUNT(*) FROM hotline_cases WHERE description=?", (description,)).fetchone()[0]


def test_parked_entries_are_listed_masked_and_only_with_the_key(actions):
    staff = Staff(actions)
    assert staff.get().json() == []  # the action server opens (makes) its outbox file now
    description = f"楼道灯坏了，请打{PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}联系我 {uuid.uuid4().hex[:6]}"
    reference = park(actions, description, district="北京市")
    assert requests.get(staff.url, timeout=10).status_code == 401
    assert staff.get(key="wrong").status_code == 401
    answer = staff.get()
    assert answer.status_code == 200
    [entry] = [item for item in answer.json() if item["reference"] == reference]
    assert set(entry) == {"reference", "created_at", "reason", "category", "district", "description_masked",
                          "phone_masked", "attempts"}
    assert entry["reason"] == "refused:invalid_district" and entry["district"] == "北京市"
    assert entry["phone_masked"] == "139 **** 7777" and entry["attempts"] == 1
    assert "楼道灯坏了" in entry["description_masked"]
    assert PHONE not in {found.number for found in number_finder.find_phones(answer.text)}  # in no format


def test_a_fixed_entry_sent_again_arrives_once(actions):
    staff = Staff(actions)
    description = f"路灯不亮好几天了 {uuid.uuid4().hex[:6]}"
    reference = park(actions, description, key="a-key-that-was-wrong")  # 401: refused, parked
    assert staff.post(reference, "retry").status_code == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and cases(actions, description) == 0:
        time.sleep(0.2)
    assert cases(actions, description) == 1
    assert reference not in {item["reference"] for item in staff.get().json()}
    assert staff.post(reference, "retry").status_code == 404  # no longer parked


def test_handled_removes_the_entry_and_its_phone_number(actions):
    staff = Staff(actions)
    reference = park(actions, f"井盖丢了 {uuid.uuid4().hex[:6]}", district="北京市")
    assert PHONE in phones_in(files_of(actions.settings.data_dir / "outbox.sqlite3"))
    for item in staff.get().json():  # what earlier tests parked: staff deal with it all
        assert staff.post(item["reference"], "handled").status_code == 200
    assert staff.get().json() == []
    assert staff.post(reference, "handled").status_code == 404
    assert staff.post("not-a-reference", "handled").status_code == 404
    assert PHONE not in phones_in(files_of(actions.settings.data_dir / "outbox.sqlite3"))
    modes = {stat.S_IMODE(path.stat().st_mode) for path in files_of(actions.settings.data_dir / "outbox.sqlite3")}
    assert modes == {0o600}  # the file the action server made
