"""Bad input is a 400 (413 for a body that is too big) with a clear message, never a 500:
the cases from issue 19, then hypothesis throwing arbitrary JSON, bytes, tokens and ids at
the real console over HTTP."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.console.conftest import http_from, kiosk_key, logged_in

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
# Any character at all, lone surrogates and NUL included (SQLite and PostgreSQL refuse those).
TEXT = st.text(st.characters(exclude_categories=()), max_size=20) | st.sampled_from(["\ud800", "a\x00b", "\udfff x"])
EVENT = st.fixed_dictionaries({}, optional={name: st.none() | st.integers() | TEXT
                                            for name in ("day", "kind", "errand", "step", "turns")})
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
FIELDS = {"help": ["errand", "step", "transcript"],
          "status": ["consent", "lesson_id", "lesson_step", "lesson_steps", "step_since", "hints"],
          "usage": ["events"]}


@pytest.fixture(scope="module")
def api(stack, console_url):
    """Post to the kiosk API as a registered kiosk."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {kiosk_key(stack, 'kiosk-fuzz')}"

    def post(route: str, body=None, data=None, headers=None) -> requests.Response:
        return http.post(f"{console_url}/api/kiosks/kiosk-fuzz/{route}", json=body, data=data, headers=headers,
                         timeout=30)

    return post


@pytest.fixture(scope="module")
def volunteer(console_url):
    return logged_in(console_url, "laoli")


@pytest.fixture(scope="module")
def staff(console_url):
    return logged_in(console_url, "wang")


@pytest.mark.parametrize("route, body, field", [
    ("help", {"transcript": 5}, "transcript"),
    ("help", {"transcript": [1, 2]}, "transcript.0"),
    ("help", {"errand": {"a": 1}}, "errand"),
    ("usage", {"events": [{"kind": "session", "turns": "abc"}]}, "events.0.turns"),
    ("usage", {"events": [1, "session"]}, "events.0"),
    ("usage", {"events": "session"}, "events"),
    ("status", {"consent": {}}, "consent"),
    ("status", {"consent": 7}, "consent"),
    ("status", {"step_since": "yesterday"}, "step_since"),
    ("status", {"consent": None}, "consent"),
    ("help", {"transcript": ["\udfff 路灯"]}, "transcript.0"),
    ("help", {"errand": "a\x00b"}, "errand"),
])
def test_wrong_types_are_400_naming_the_field(api, route, body, field):
    answer = api(route, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "the body does not fit"
    assert any(problem.startswith(f"{field}:") for problem in answer.json()["problems"]), answer.json()


@pytest.mark.parametrize("data, message", [
    (b"{not json", "the body is not JSON"),
    (b"\xff\xfe\x00", "the body is not JSON"),
    (b"[1, 2]", "the body must be a JSON object"),
    (b'"text"', "the body must be a JSON object"),
])
def test_bodies_that_are_no_object_are_400(api, data, message):
    answer = api("help", data=data, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"] == message


def test_an_oversized_body_is_refused_before_it_is_read(api):
    answer = api("usage", data=b"{" + b" " * (600 * 1024) + b"}", headers={"Content-Type": "application/json"})
    assert answer.status_code == 413 and "exceeds" in answer.json()["error"]


def test_good_bodies_still_work(api):
    assert api("help", {"errand": "pension", "step": "id_number", "transcript": ["居民：你好"]}).status_code == 201
    assert api("status", {"consent": 0, "lesson_id": None, "step_since": 1700000000, "new_field": 1}).status_code == 200
    usage = api("usage", {"events": [{"day": "2026-01-05", "kind": "session", "errand": "", "step": "", "turns": 0}]})
    assert usage.json() == {"stored": 1}


@pytest.mark.parametrize("body", [b"username=%ED%A0%80&password=%00%FF", b"\xff\xfe=\x00",
                                  b"username=a%00b&password=x"])
def test_odd_login_forms_are_answered_in_words(console_url, body):
    answer = http_from("127.0.0.9").post(f"{console_url}/login", data=body, timeout=30,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 401 and "用户名或密码不对" in answer.text


def test_odd_typed_words_are_answered_in_words(console_url, volunteer):
    http, csrf = volunteer
    answer = http.post(f"{console_url}/help/1234567/type", data=f"csrf={csrf}&text=%ED%A0%80%00".encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert answer.status_code == 404 and "已经不在了" in answer.text


def test_a_non_ascii_csrf_token_is_refused_in_words(console_url):
    http, _csrf = logged_in(console_url, "laoli")
    for sent in ({"data": {"csrf": "令牌"}}, {"headers": {"X-CSRF-Token": "t\u00e9"}}):
        answer = http.post(f"{console_url}/help/1/done", **sent)
        assert answer.status_code == 403 and "请求已过期" in answer.text


@FUZZ
@given(route=st.sampled_from(sorted(FIELDS)), body=st.one_of(JSON, st.fixed_dictionaries(
    {}, optional={name: JSON for names in FIELDS.values() for name in names})))
def test_fuzzed_json_never_makes_a_500(api, route, body):
    if route == "usage" and isinstance(body, dict) and isinstance(body.get("events"), list):
        body["events"].append({"kind": "session", "turns": 1})
    answer = api(route, data=json.dumps(body, allow_nan=True).encode(), headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 201, 400), (body, answer.status_code, answer.text)


@FUZZ
@given(events=st.lists(EVENT, max_size=5))
def test_fuzzed_usage_events_never_make_a_500(api, events):
    answer = api("usage", data=json.dumps({"events": events}).encode(), headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 400), (events, answer.status_code, answer.text)


@FUZZ
@given(route=st.sampled_from(sorted(FIELDS)), data=st.binary(max_size=200))
def test_fuzzed_bytes_never_make_a_500(api, route, data):
    answer = api(route, data=data, headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 201, 400), (data, answer.status_code)


@FUZZ
@given(kiosk_id=st.text(min_size=1, max_size=70).filter(lambda text: "/" not in text and text not in (".", "..")),
       key=st.text(alphabet=st.characters(max_codepoint=255, blacklist_categories=["Cc"]), max_size=40))
def test_fuzzed_kiosk_ids_and_keys_are_refused_cleanly(console_url, kiosk_id, key):
    answer = requests.get(f"{console_url}/api/kiosks/{requests.utils.quote(kiosk_id, safe='')}/events",
                          headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert answer.status_code in (400, 401, 404), (kiosk_id, answer.status_code)


@FUZZ
@given(route=st.sampled_from(["done", "type", "ask-consent", "take-over"]),
       request_id=st.one_of(st.integers(min_value=10 ** 6), st.integers(max_value=0)),
       csrf=st.one_of(st.none(), st.text(max_size=50)), text=st.text(max_size=300))
def test_fuzzed_forms_never_make_a_500(console_url, volunteer, route, request_id, csrf, text):
    http, real_csrf = volunteer
    form = {"text": text, "csrf": real_csrf if csrf is None else csrf}
    answer = http.post(f"{console_url}/help/{request_id}/{route}", data=form, allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 403, 404, 409), (route, request_id, answer.status_code)
    assert "出了点问题" not in answer.text


@FUZZ
@given(reference=st.text(min_size=1, max_size=90).filter(lambda text: "/" not in text and text not in (".", "..")))
def test_fuzzed_parked_references_never_make_a_500(console_url, staff, reference):
    http, csrf = staff
    answer = http.post(f"{console_url}/parked/{requests.utils.quote(reference, safe='')}/handled",
                       data={"csrf": csrf}, allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 404, 409, 503), (reference, answer.status_code)
