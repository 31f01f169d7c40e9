"""The errands that answer a verified resident (pension, medical) and the ones
that need no identity (halls, policies), against the real sandbox, failure branches too."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from nlu.actions.information import ActionAnswerPolicy, ActionHallInfo
from nlu.actions.medical import ActionQueryMedical
from nlu.actions.pension import ActionQueryPension
from tests.nlu.actions.conftest import run, said, slots_of, tracker
from tests.portal.conftest import Raw

pytestmark = pytest.mark.usefixtures("portal_for_actions")


@pytest.fixture
def verified(portal_for_actions):
    """The slots of a verified resident (张桂英): a real token from the sandbox."""
    token = Raw(portal_for_actions).token()
    return {"resident_token": token, "resident_token_expires": time.time() + 600, "person_name": "张*英",
            "id_number": "3607 ********** 1226"}


def test_pension_says_the_amount_and_finishes_the_errand(verified, domain):
    events, messages = run(ActionQueryPension(), tracker(verified), domain)
    assert "元" in said(messages) and "已于" in said(messages)
    result = messages[0]["custom"]["kiosk"]
    assert result["finished"] == "pension" and result["result"]["title"].endswith("养老金")
    # 张桂英's certification is due within 60 days: the errand ends offering it, once a visit
    # (tests/nlu/actions/test_certification_actions.py).
    assert slots_of(events) == {"certification_reminded": True}


def test_without_a_verified_resident_nothing_is_asked_of_the_portal(domain):
    events, messages = run(ActionQueryPension(), tracker({"identity_stop": "locked"}), domain)
    assert messages[0]["custom"]["kiosk"] == {"screen": "home"}
    assert slots_of(events) == {"identity_stop": None}


def test_an_expired_token_asks_for_the_number_again(verified, domain):
    expired = dict(verified, resident_token="not-a-real-token-at-all")
    events, messages = run(ActionQueryPension(), tracker(expired), domain)
    assert "重新输入身份证号" in said(messages)
    assert slots_of(events) == {"resident_token": None}


def test_portal_down_is_said_plainly(verified, domain, faults):
    faults(down=True)
    events, messages = run(ActionQueryMedical(), tracker(verified), domain)
    assert "连不上" in said(messages) and "找人帮忙" in said(messages)


def test_medical_balance(verified, domain):
    _events, messages = run(ActionQueryMedical(), tracker(verified), domain)
    value = messages[0]["custom"]["kiosk"]["result"]["value"]
    assert value.endswith("元") and Decimal(value.replace(",", "").split("\u00a0")[0]) >= 0


def test_hall_info_for_a_district(domain):
    events, messages = run(ActionHallInfo(), tracker({"district": "于都县"}), domain)
    assert "于都" in said(messages) and messages[0]["custom"]["kiosk"]["finished"] == "hall_info"
    assert slots_of(events) == {"errand": None}


def test_policy_answer_from_the_question(domain):
    _events, messages = run(ActionAnswerPolicy(), tracker(text="高龄补贴怎么领", intent="policy_question"), domain)
    assert "高龄补贴" in said(messages)


def test_a_tapped_policy_button_asks_for_the_question(domain):
    _events, messages = run(ActionAnswerPolicy(), tracker(text="/policy_question", intent="policy_question"), domain)
    assert "您想问什么政策" in said(messages)


def test_an_unknown_policy_question_offers_a_person(domain):
    _events, messages = run(ActionAnswerPolicy(), tracker(text="火星上有没有养老院", intent="policy_question"),
                            domain)
    assert "找人帮忙" in said(messages) or "12345" in said(messages)
