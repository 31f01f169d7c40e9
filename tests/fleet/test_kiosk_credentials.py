"""Per-kiosk credentials for real: what a kiosk (or someone holding one kiosk's key, or even
the master token) can reach from the kiosks' side of nginx, through TLS, the conversation
gates, Rasa and PostgreSQL. Requests that must be refused are sent raw (http.client), so no
client library tidies a path like `/webhooks/rest/webhook/../../status` before nginx sees it."""

from __future__ import annotations

import http.client
import json
import ssl
import uuid
from typing import Dict, Optional, Tuple

import pytest
import requests

from kiosk.dialogue_client import DialogueClient, DialogueUnavailable
from portal.sandbox.cards import demo_card
from runtime.kiosk_keys import keys_file, revoke_key

pytestmark = pytest.mark.services


def raw(fleet, method: str, path: str, key: Optional[str] = None, body: Optional[object] = None,
        headers: Optional[Dict[str, str]] = None) -> Tuple[int, bytes]:
    """One request to the kiosks' side exactly as written, over TLS checked against the fleet's CA."""
    context = ssl.create_default_context(cafile=fleet.ca_certificate)
    connection = http.client.HTTPSConnection("127.0.0.1", fleet.settings.fleet.balancer_port, context=context,
                                             timeout=90)
    sent = dict(headers or {})
    if key:
        sent["Authorization"] = f"Bearer {key}"
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def events_of(fleet, sender: str) -> int:
    with fleet.database() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE sender_id=%s", (sender,))
        return cursor.fetchone()[0]


def conversation(kiosk_id: str) -> str:
    return f"{kiosk_id}-{uuid.uuid4().hex}"


def test_a_kiosk_key_opens_only_that_kiosks_conversations(fleet):
    own, other = fleet.kiosk("kiosk-own-a"), fleet.kiosk("kiosk-own-b")
    key = fleet.key("kiosk-own-a")
    assert other.send("你好").texts and own.send("你好").texts
    before = events_of(fleet, other.sender_id)
    assert before > 0
    webhook = "/webhooks/rest/webhook"
    # Another kiosk's conversation, a longer id that only begins like ours, our bare id, and a
    # guided lesson of the other kiosk: refused, and nothing is written.
    for sender in (other.sender_id, conversation("kiosk-own-ab"), "kiosk-own-a", "kiosk-own-a-",
                   f"practice-{conversation('kiosk-own-b')}", "../kiosk-own-a-1", 12345, None):
        status, _ = raw(fleet, "POST", webhook, key, {"sender": sender, "message": "你好"})
        assert status == 403, sender
    assert events_of(fleet, other.sender_id) == before
    # Our own guided lesson is ours.
    lesson = f"practice-{conversation('kiosk-own-a')}"
    assert raw(fleet, "POST", webhook, key, {"sender": lesson, "message": "你好"})[0] == 200
    # Two "sender" keys: the gate passes on exactly what it checked (the last, ours), so the
    # other kiosk's conversation is not touched however Rasa would read the raw bytes.
    mine = conversation("kiosk-own-a")
    twice = f'{{"sender": "{other.sender_id}", "sender": "{mine}", "message": "你好"}}'.encode()
    assert raw(fleet, "POST", webhook, key, twice)[0] == 200
    assert events_of(fleet, other.sender_id) == before and events_of(fleet, mine) > 0
    # A card for another kiosk's visit: refused, nobody is verified there; our own is checked.
    card = demo_card(0)
    body = {"id_number": card.id_number, "name": card.name,
            "valid_until": card.valid_until.isoformat() if card.valid_until else ""}
    assert raw(fleet, "POST", "/identity/card", key, {"conversation": other.sender_id, **body})[0] == 403
    status, answer = raw(fleet, "POST", "/identity/card", key, {"conversation": mine, **body})
    outcome = json.loads(answer)
    assert status == 200 and outcome["verified"] and outcome["masked_name"] == "张*英", (status, outcome)
    assert raw(fleet, "POST", "/identity/card", None, {"conversation": mine, **body})[0] == 401
    # The payment screen's question about its order: only for its own visit, with its own key.
    question = {"order_id": "no-such-order"}
    assert raw(fleet, "POST", "/payment/status", key, {"conversation": other.sender_id, **question})[0] == 403
    assert raw(fleet, "POST", "/payment/status", None, {"conversation": mine, **question})[0] == 401
    status, answer = raw(fleet, "POST", "/payment/status", key, {"conversation": mine, **question})
    assert status == 200 and json.loads(answer) == {"status": "unknown"}, (status, answer)
    # The face check: frames only for its own visit; the camera report only for its own camera.
    frames = {"frames": ["AAAA"], "challenge": "turn_left"}
    assert raw(fleet, "POST", "/certification/face", key, {"conversation": other.sender_id, **frames})[0] == 403
    assert raw(fleet, "POST", "/devices/camera", key, {"kiosk_id": "kiosk-own-b", "working": True})[0] == 403
    assert raw(fleet, "POST", "/devices/camera", key, {"kiosk_id": "kiosk-own-a", "working": False})[0] == 200
    # Forgetting another kiosk's conversation: refused, its rows stay.
    assert raw(fleet, "DELETE", f"/gate/conversations/{other.sender_id}", key)[0] == 403
    assert events_of(fleet, other.sender_id) == before
    for sender in (mine, lesson):
        assert raw(fleet, "DELETE", f"/gate/conversations/{sender}", key)[0] == 204
    own.end_session()
    other.end_session()


def test_forgetting_through_the_gate_deletes_the_rows(fleet):
    dialogue = fleet.kiosk("kiosk-forget")
    dialogue.send("/query_pension")
    dialogue.send("360702195003121226")
    sender = dialogue.sender_id
    assert events_of(fleet, sender) > 0
    assert dialogue.forget(sender) is True
    assert events_of(fleet, sender) == 0
    assert dialogue.auth_token is None  # a kiosk with a key never holds the master token


def test_a_kiosk_without_its_key_is_refused(fleet):
    sender = conversation("kiosk-nokey")
    fleet.key("kiosk-nokey")
    turn = {"sender": sender, "message": "你好"}
    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"Authorization": f"Basic {fleet.key('kiosk-nokey')}"},
                    {"Authorization": f"Bearer {fleet.token}"}, {"X-Kiosk-Key": fleet.key("kiosk-nokey")}):
        assert raw(fleet, "POST", "/webhooks/rest/webhook", body=turn, headers=headers)[0] == 401, headers
        assert raw(fleet, "DELETE", f"/gate/conversations/{sender}", headers=headers)[0] == 401, headers
    assert raw(fleet, "POST", f"/webhooks/rest/webhook?token={fleet.token}", body=turn)[0] == 401
    assert events_of(fleet, sender) == 0
    keyless = DialogueClient(fleet.url, "kiosk-nokey", 30, ca_certificate=fleet.ca_certificate)
    with pytest.raises(DialogueUnavailable):
        keyless.send("你好")
    assert keyless.forget(sender) is False


def test_the_master_token_opens_nothing_from_the_kiosks_side(fleet):
    token, key = fleet.token, fleet.key("kiosk-own-a")
    own = conversation("kiosk-own-a")
    assert requests.get(f"{fleet.central_url}/status", params={"token": token}, timeout=10).status_code == 200
    refused = [
        ("GET", f"/status?token={token}"), ("GET", "/version"), ("GET", "/"),
        ("PUT", f"/model?token={token}"), ("POST", f"/model/parse?token={token}"),
        ("POST", f"/model/train?token={token}"), ("DELETE", f"/model?token={token}"),
        ("POST", f"/conversations/{own}/execute?token={token}"),
        ("POST", f"/conversations/{own}/trigger_intent?token={token}"),
        ("GET", f"/conversations/{own}/tracker?token={token}"),
        ("PUT", f"/conversations/{conversation('kiosk-own-b')}/tracker/events?token={token}"),
        ("POST", f"/conversations/{own}/tracker/events?token={token}"),
        ("GET", "/webhooks/rest/"), ("GET", "/webhooks/rest/webhook"),
        ("GET", f"/gate/conversations/{own}"), ("POST", f"/gate/conversations/{own}"),
        # Paths that only look like the allowed ones.
        ("POST", f"/webhooks/rest/webhook/../../status?token={token}"),
        ("GET", f"/webhooks/rest/webhook/%2E%2E/%2E%2E/status?token={token}"),
        ("PUT", f"/gate/conversations/../../model?token={token}"),
        ("DELETE", f"/gate/conversations/{own}/../../../model?token={token}"),
        ("DELETE", f"/gate/conversations/{own}%2F..%2F..%2F..%2Fmodel?token={token}"),
    ]
    for method, path in refused:
        for credential in (None, key):
            status, body = raw(fleet, method, path, credential, body={} if method in ("PUT", "POST") else None)
            assert status in (400, 403, 404), (method, path, status)
            assert b"rasa" not in body.lower() and b"version" not in body.lower(), (method, path)


def test_a_removed_key_stops_working_at_once(fleet):
    dialogue = fleet.kiosk("kiosk-stolen")
    assert dialogue.send("你好").texts
    assert revoke_key(fleet.settings, "kiosk-stolen")
    with pytest.raises(DialogueUnavailable):
        dialogue.send("你好")
    fleet.keys.pop("kiosk-stolen")
    again = fleet.kiosk("kiosk-stolen")  # re-issued: a new key, the old one stays dead
    assert again.send("你好").texts
    assert raw(fleet, "POST", "/webhooks/rest/webhook", dialogue.kiosk_key,
               {"sender": again.sender_id, "message": "你好"})[0] == 401
    again.end_session()


def test_the_central_machine_keeps_only_hashes_of_kiosk_keys(fleet):
    fleet.key("kiosk-hashed")
    path = keys_file(fleet.settings)
    assert path.stat().st_mode & 0o777 == 0o600
    stored = path.read_text(encoding="utf-8")
    assert "kiosk-hashed" in stored
    assert not any(key in stored for key in fleet.keys.values())
