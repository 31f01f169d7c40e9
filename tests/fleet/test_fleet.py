"""The city set-up for real: conversations through nginx (TLS) and the conversation gates to
two Rasa instances sharing a PostgreSQL tracker store and Redis locks; privacy in what
reaches the database; expiry; and one instance killed in the middle of a run of whole
errands. Two action servers share nothing but Redis: a turn may land on either (the card a
kiosk's reader read is checked on one, /card_placed may be answered by the other). Every kiosk
here uses a key of its own, as a city's kiosks do. Residents come in with their ID card, which
the kiosk posts through nginx and the conversation gate with its own key (runtime/gate.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import time

import pytest

from bench.fleet_load import DEMO_ID, DEMO_MASKED_NAME, PENSION_TEXT, drive, load_kiosk_ids
from common.kiosk_protocol import CARD_PLACED
from kiosk.card_check import CardChecker
from kiosk.dialogue_client import DialogueClient
from portal.sandbox.cards import demo_card
from portal.sandbox.server import database_path

pytestmark = pytest.mark.services

PHONE = "13912345678"


def client(fleet, kiosk_id: str) -> DialogueClient:
    return fleet.kiosk(kiosk_id)


def stored_text(fleet) -> str:
    with fleet.database() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events")
        return "\n".join(row[0] for row in cursor.fetchall())


def events_of(fleet, sender: str) -> int:
    with fleet.database() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE sender_id=%s", (sender,))
        return cursor.fetchone()[0]


def check_card(fleet, dialogue: DialogueClient) -> bool:
    """The demo resident's card on this kiosk's reader, checked for its conversation."""
    checker = CardChecker(fleet.url, dialogue.kiosk_key, verify=fleet.ca_certificate)
    try:
        return checker.check(dialogue.sender_id, demo_card(0)).verified
    finally:
        checker.close()


def pension_visit(fleet, dialogue: DialogueClient) -> str:
    assert dialogue.send("/query_pension").input_kind == "id_number"
    assert check_card(fleet, dialogue)
    return dialogue.send(CARD_PLACED).text


def test_two_kiosks_with_the_same_resident_stay_apart(fleet):
    first, second, third = client(fleet, "kiosk-a"), client(fleet, "kiosk-b"), client(fleet, "kiosk-c")
    try:
        assert len({first.sender_id, second.sender_id, third.sender_id}) == 3
        # Interleaved: one errand on each kiosk, turns alternating.
        assert first.send("/query_pension").input_kind == "id_number"
        assert second.send("/hotline_report").input_kind == "free_speech"
        assert check_card(fleet, first)
        reply = second.send("楼道的灯坏了")
        assert "在哪里" in reply.text  # still its own 12345 report, not the pension question
        # A card checked for one kiosk's visit verifies nobody at another kiosk.
        reply = third.send(CARD_PLACED)
        assert "没有核对成功" in reply.text and DEMO_MASKED_NAME not in reply.text
        reply = first.send(CARD_PLACED)
        assert reply.text.startswith(f"{DEMO_MASKED_NAME}，您好") and PENSION_TEXT in reply.text
        assert "养老金" not in second.send("文明大道18号").text
        assert events_of(fleet, first.sender_id) > 0 and events_of(fleet, second.sender_id) > 0
    finally:
        first.end_session()
        second.end_session()
        third.end_session()


def test_many_kiosks_at_once_each_get_their_own_answer(fleet):
    answers, failures = [], []

    def visit(index: int) -> None:
        dialogue = client(fleet, f"kiosk-{index}")
        try:
            answers.append(pension_visit(fleet, dialogue))
        except Exception as error:  # noqa: BLE001 - collected and reported below
            failures.append(repr(error))
        finally:
            dialogue.end_session()

    threads = [threading.Thread(target=visit, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not failures
    assert len(answers) == 6 and all(PENSION_TEXT in answer for answer in answers)


def test_the_database_never_holds_a_full_number(fleet):
    dialogue = client(fleet, "kiosk-privacy")
    dialogue.send("/query_pension")
    dialogue.send(DEMO_ID)  # typed as plain text, as the console does
    assert check_card(fleet, dialogue)  # the card's text goes to the action server, not the dialogue
    assert PENSION_TEXT in dialogue.send(CARD_PLACED).text
    dialogue.send("/hotline_report")
    dialogue.send(f"楼道的灯坏了，我的电话是{PHONE}")
    dialogue.send("文明大道18号")
    dialogue.send(f'/inform{{"phone_number": "{PHONE}"}}')
    dialogue.send("幺三九一二三四五六七八")  # a number as speech recognition writes it
    text = stored_text(fleet)
    assert events_of(fleet, dialogue.sender_id) > 0
    assert DEMO_ID not in text and PHONE not in text and demo_card(0).name not in text
    assert "幺三九一二三四五六七八" not in text
    assert "1226" in text and "5678" in text  # the masked forms are what remains
    dialogue.end_session()


def test_ending_a_session_deletes_its_conversation(fleet):
    dialogue = client(fleet, "kiosk-wipe")
    assert PENSION_TEXT in pension_visit(fleet, dialogue)
    sender = dialogue.sender_id
    assert events_of(fleet, sender) > 0
    dialogue.end_session()
    assert events_of(fleet, sender) == 0


def test_old_conversations_expire(fleet):
    """A conversation nobody touched for longer than the expiry is deleted by the next save
    on any instance; a recent one stays. The old conversation is written with old timestamps
    through Rasa's own API (PUT replaces a conversation's events) on the central machine's side,
    so the real store writes (and masks) it. Old, but not yet expired when written (a save may
    expire at once what is due): it falls due a few seconds later."""
    import requests

    due_in = 8.0
    then = time.time() - fleet.settings.fleet.conversation_expiry_minutes * 60 + due_in
    old = [{"event": "action", "name": "action_listen", "timestamp": then},
           {"event": "user", "text": f"我的电话是{PHONE}", "timestamp": then,
            "parse_data": {"intent": {"name": "inform", "confidence": 1.0}, "entities": []}}]
    response = requests.put(f"{fleet.central_url}/conversations/kiosk-old-visit/tracker/events", json=old,
                             params={"token": fleet.token}, timeout=30)
    assert response.status_code == 200, response.text
    assert events_of(fleet, "kiosk-old-visit") >= 2  # masked, but kept until it expires
    assert PHONE not in stored_text(fleet)
    recent = client(fleet, "kiosk-recent")
    time.sleep(due_in)
    deadline = time.monotonic() + 30
    while events_of(fleet, "kiosk-old-visit") and time.monotonic() < deadline:
        time.sleep(1.1)  # fleet.expiry_check_seconds is 1 here
        recent.send("你好")  # every save may expire what is due
    assert events_of(fleet, "kiosk-old-visit") == 0
    assert events_of(fleet, recent.sender_id) > 0
    recent.end_session()


def console_key(fleet, kiosk_id: str) -> str:
    """A console key for one kiosk, issued as a centre does (`python main.py add-kiosk`)."""
    import subprocess

    from config.settings import REPO_ROOT
    from runtime.supervisor import main_py

    done = subprocess.run(main_py("add-kiosk", kiosk_id), cwd=REPO_ROOT, env=fleet.env, capture_output=True,
                          text=True, timeout=60, check=True)
    prefix = f"{fleet.settings.console.kiosk_key_env}="
    return next(line[len(prefix):] for line in done.stdout.splitlines() if line.startswith(prefix))


def test_console_data_lives_in_postgresql(fleet):
    import requests

    console = fleet.settings.console
    response = requests.post(f"http://127.0.0.1:{console.port}/api/kiosks/kiosk-fleet-7/help",
                             headers={"Authorization": f"Bearer {console_key(fleet, 'kiosk-fleet-7')}"},
                             json={"errand": "养老金", "step": "id_number",
                                   "transcript": [f"居民：{DEMO_ID}"]}, timeout=10)
    assert response.status_code == 201
    with fleet.database() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT kiosk_id, transcript FROM help_requests WHERE id=%s", (response.json()["id"],))
        kiosk_id, transcript = cursor.fetchone()
    assert kiosk_id == "kiosk-fleet-7" and DEMO_ID not in transcript and "1226" in transcript


def test_killing_a_rasa_instance_mid_run_loses_nothing(fleet):
    victim = fleet.supervisor.children["rasa-1"].process
    killed_at = []

    def kill() -> None:
        killed_at.append(time.monotonic())
        os.killpg(victim.pid, signal.SIGKILL)

    keys = {kiosk_id: fleet.key(kiosk_id) for kiosk_id in load_kiosk_ids(4)}
    # Bounded by time, not by count: the survivor must be seen serving for 32 s after the kill
    # (a cap of 60 errands once ended the run a second after the kill, as instances got faster).
    result = asyncio.run(drive(fleet.url, keys, seconds=40, max_errands=400, hotline_share=0.4,
                               during=kill, during_after=8, ca_certificate=fleet.ca_certificate))
    assert killed_at and victim.poll() is not None
    assert result.errors == []
    # A turn in flight on the killed instance is replayed on the survivor; a /card_placed the
    # first had already answered then greets with the tiles, and the errand is tapped again.
    # At most one such turn per kiosk.
    assert result.asked_again <= 4
    assert result.errands >= 8
    assert sum(1 for ended in result.finished_at if ended > killed_at[0] + 5) >= 5  # on the survivor
    with sqlite3.connect(database_path(fleet.settings)) as sandbox:
        stored = {row[0] for row in sandbox.execute("SELECT case_number FROM hotline_cases")}
    assert result.case_numbers and set(result.case_numbers) <= stored  # every report reached the portal
