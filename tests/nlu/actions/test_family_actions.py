"""代办 against the real sandbox (issue 18): an elder authorises a relative (nothing recorded before
是的; active only with the code sent to the relative's phone), lists and withdraws it; the
relative acts for the elder (查养老金 with the elder's proxy token; what the elder did not
authorise refused plainly); the elder hears once what was done. The sandbox's database is
checked after each step, and no message carries a full identity number."""

from __future__ import annotations

import re

import pytest

from nlu.actions.certification import ActionCertificationStatus
from nlu.actions.family_authorise import (
    ActionAskAgentCode,
    ActionAskAuthoriseConfirmed,
    ActionAuthoriseFamily,
    ValidateAuthoriseForm,
)
from nlu.actions.family_grants import (
    ActionMyAuthorisations,
    ActionWithdrawAuthorisation,
    ValidateAuthorisationWithdrawForm,
)
from nlu.actions.family_proxy import ActionStartProxy, ValidateProxyForm
from nlu.actions.medical import ActionQueryMedical
from nlu.actions.pension import ActionQueryPension
from nlu.actions.resident import kiosk_id
from nlu.actions.vault import vault
from tests.nlu.actions.conftest import code_sent_to, run, said, slots_of, tracker, verified
from tests.portal.conftest import Raw

pytestmark = pytest.mark.usefixtures("portal_for_actions")
FORM = "authorise_form"
FULL_NUMBER = re.compile(r"\d{17}[\dX]")


def elder_slots(stack, elder):
    slots = verified(stack, elder)
    vault().put(elder["sender"], "id_number", elder["id_number"])  # as the identity form leaves it
    return slots


def step(domain, slots, sender, **candidates):
    """One answer to the authorise form, validated: (slots after it, what was said)."""
    answer = next(iter(candidates))
    events, messages = run(ValidateAuthoriseForm(), tracker(slots, form=FORM, requested=answer,
                                                            candidates=candidates, sender=sender), domain)
    return dict(slots, **slots_of(events)), said(messages)


def authorised(stack, domain, elder, relative, scopes="query,certification_reminder"):
    """The whole form, up to the relative's code: (elder's slots, what was said on the way)."""
    slots, sender, heard = elder_slots(stack, elder), elder["sender"], []
    for answer in ({"agent_id_number": relative["id_number"]}, {"agent_relationship": "女儿"},
                   {"agent_scopes": scopes}, {"agent_days": "一年"}):
        slots, words = step(domain, slots, sender, **answer)
        heard.append(words)
    return slots, heard


def grants_of(stack, elder):
    return Raw(stack).sql("SELECT authorisation_id, status, scopes, days, relationship FROM authorisations "
                          "WHERE principal=?", elder["id_number"])


def test_authorised_only_after_yes_and_the_relatives_code(portal_for_actions, domain, resident, stranger):
    elder, relative = resident, stranger
    slots, heard = authorised(portal_for_actions, domain, elder, relative)
    assert slots["agent_id_number"] != relative["id_number"] and slots["agent_id_number"].endswith(
        relative["id_number"][-4:])
    assert slots["agent_relationship"] == "女儿" and slots["agent_days"] == "365"
    assert slots["id_number"] != relative["id_number"]  # the keypad's number does not stay in id_number
    _events, messages = run(ActionAskAuthoriseConfirmed(), tracker(slots, sender=elder["sender"]), domain)
    read_back = said(messages)
    assert "女儿" in read_back and "查询、认证提醒" in read_back and "一年" in read_back and "对吗" in read_back
    assert grants_of(portal_for_actions, elder) == []  # nothing recorded before 是的
    slots, words = step(domain, slots, elder["sender"], authorise_confirmed=True)
    [(grant_id, status, scopes, days, relation)] = grants_of(portal_for_actions, elder)
    assert (status, scopes, days, relation) == ("pending", "query,certification_reminder", 365, "女儿")
    assert slots["authorisation_pending"] == grant_id and "*" in slots["agent_masked_name"]
    _events, messages = run(ActionAskAgentCode(), tracker(slots, sender=elder["sender"]), domain)
    assert slots["agent_masked_name"] in said(messages) and "6位验证码" in said(messages)
    slots, words = step(domain, slots, elder["sender"], agent_code="000000" if
                        code_sent_to(portal_for_actions, relative["id_number"]) != "000000" else "111111")
    assert "验证码不对" in words and slots["agent_code"] is None
    slots, words = step(domain, slots, elder["sender"],
                        agent_code=code_sent_to(portal_for_actions, relative["id_number"]))
    assert grants_of(portal_for_actions, elder)[0][1] == "active"
    events, messages = run(ActionAuthoriseFamily(), tracker(slots, sender=elder["sender"]), domain)
    text = said(messages)
    assert "授权好了" in text and slots["agent_masked_name"] in text and "到" in text
    assert slots_of(events)["agent_id_number"] is None
    for words in heard + [read_back, text]:
        assert not FULL_NUMBER.search(words), words


def test_no_at_the_read_back_records_nothing_and_not_this_person_withdraws(portal_for_actions, domain,
                                                                          resident, stranger):
    elder, relative = resident, stranger
    slots, _heard = authorised(portal_for_actions, domain, elder, relative)
    said_no, _ = step(domain, slots, elder["sender"], authorise_confirmed=False)
    _events, messages = run(ActionAuthoriseFamily(), tracker(said_no, sender=elder["sender"]), domain)
    assert "没有授权" in said(messages) and grants_of(portal_for_actions, elder) == []
    slots, _ = step(domain, slots, elder["sender"], authorise_confirmed=True)
    slots, _ = step(domain, slots, elder["sender"], agent_code="no")  # 不是这个人
    assert grants_of(portal_for_actions, elder)[0][1] == "withdrawn"
    _events, messages = run(ActionAuthoriseFamily(), tracker(slots, sender=elder["sender"]), domain)
    assert "没有生效" in said(messages)


def grant(stack, elder_slots_, elder, relative, scopes):
    """An active authorisation made through the client (the form is tested above)."""
    client, kiosk = stack.portal(), kiosk_id(elder["sender"])
    pending = client.authorise(elder_slots_["resident_token"], relative["id_number"], "儿子", scopes, 30, kiosk)
    code = code_sent_to(stack, relative["id_number"])
    return client.confirm_authorisation(elder_slots_["resident_token"], pending.authorisation_id, code, kiosk)


def test_listed_then_withdrawn_after_yes(portal_for_actions, domain, resident, stranger):
    elder, relative = resident, stranger
    slots = elder_slots(portal_for_actions, elder)
    _events, messages = run(ActionMyAuthorisations(), tracker(slots, sender=elder["sender"]), domain)
    assert "还没有授权" in said(messages)
    made = grant(portal_for_actions, slots, elder, relative, ["query"])
    _events, messages = run(ActionMyAuthorisations(), tracker(slots, sender=elder["sender"]), domain)
    assert "1位家人" in said(messages) and f"儿子{made.masked_name}" in said(messages) and "查询" in said(messages)
    events, _ = run(ValidateAuthorisationWithdrawForm(), tracker(
        slots, text="/withdraw_authorisation", intent="withdraw_authorisation",
        form="authorisation_withdraw_form", sender=elder["sender"]), domain)
    assert slots_of(events)["authorisation_choice"] == made.authorisation_id  # only one: nothing to ask
    chosen = dict(slots, authorisation_choice=made.authorisation_id)
    run(ActionWithdrawAuthorisation(), tracker(dict(chosen, withdraw_confirmed=False), sender=elder["sender"]),
        domain)
    assert grants_of(portal_for_actions, elder)[0][1] == "active"
    _events, messages = run(ActionWithdrawAuthorisation(), tracker(dict(chosen, withdraw_confirmed=True),
                                                                   sender=elder["sender"]), domain)
    assert "已经取消了" in said(messages) and grants_of(portal_for_actions, elder)[0][1] == "withdrawn"


def acting_slots(stack, domain, relative):
    """The relative verified, the proxy form (one elder: chosen at once) and the proxy taken."""
    slots = verified(stack, relative)
    events, _ = run(ValidateProxyForm(), tracker(slots, text="/act_for_family", intent="act_for_family",
                                                 form="proxy_form", sender=relative["sender"]), domain)
    slots.update(slots_of(events))
    events, messages = run(ActionStartProxy(), tracker(slots, sender=relative["sender"]), domain)
    return dict(slots, **slots_of(events)), said(messages)


def test_relative_queries_for_the_elder_and_the_elder_is_told_once(portal_for_actions, domain, resident, stranger):
    elder, relative = resident, stranger
    slots = elder_slots(portal_for_actions, elder)
    made = grant(portal_for_actions, slots, elder, relative, ["query"])
    acting, words = acting_slots(portal_for_actions, domain, relative)
    assert acting["proxy_token"] and acting["proxy_name"] in words and "查询" in words
    _events, messages = run(ActionQueryPension(), tracker(acting, sender=relative["sender"]), domain)
    text = said(messages)
    assert text.startswith(acting["proxy_name"]) and "养老金" in text
    assert not FULL_NUMBER.search(text) and elder["id_number"] not in str(messages)
    log = Raw(portal_for_actions).sql("SELECT detail, told_at FROM proxy_log WHERE authorisation_id=?",
                                      made.authorisation_id)
    assert log == [("查了养老金", None)]
    # The elder, verified again, hears it before their own answer; then it is told.
    _events, messages = run(ActionQueryMedical(), tracker(slots, sender=elder["sender"]), domain)
    assert said(messages).startswith(f"您儿子{made.masked_name}在") and "帮您查了养老金" in said(messages)
    assert Raw(portal_for_actions).sql("SELECT told_at IS NOT NULL FROM proxy_log WHERE authorisation_id=?",
                                       made.authorisation_id) == [(1,)]
    _events, messages = run(ActionQueryMedical(), tracker(slots, sender=elder["sender"]), domain)
    assert "帮您查了" not in said(messages)


def test_what_the_elder_did_not_authorise_is_refused_plainly(portal_for_actions, domain, resident, stranger):
    elder, relative = resident, stranger
    slots = elder_slots(portal_for_actions, elder)
    made = grant(portal_for_actions, slots, elder, relative, ["certification_reminder"])
    acting, words = acting_slots(portal_for_actions, domain, relative)
    assert "不能代查养老金和医保" in words
    assert "帮家里人查认证" in button_titles(portal_for_actions, domain, relative)
    # Within 认证提醒: where the elder's certification stands, and that the elder certifies in
    # person; no way to certify is offered to the relative, and it is in the elder's log.
    _events, messages = run(ActionCertificationStatus(), tracker(acting, sender=relative["sender"]), domain)
    name = acting["proxy_name"]
    assert said(messages).startswith(f"{name}") and "养老资格认证" in said(messages)
    assert not [button for message in messages for button in message.get("buttons") or []]
    assert "您" not in said(messages).split("。")[0] and elder["id_number"] not in str(messages)
    log = Raw(portal_for_actions).sql("SELECT detail FROM proxy_log WHERE authorisation_id=?", made.authorisation_id)
    assert log == [("查了养老资格认证",)]
    events, messages = run(ActionQueryPension(), tracker(acting, sender=relative["sender"]), domain)
    assert f"{acting['proxy_name']}没有授权您办这件事" in said(messages)
    assert "resident_token" not in slots_of(events)  # the relative stays verified
    # An errand of the relative's own ends the proxy first.
    events, messages = run(ActionMyAuthorisations(), tracker(acting, sender=relative["sender"]), domain)
    assert "这件事是给您自己办的" in said(messages) and slots_of(events)["proxy_token"] is None
    assert "您还没有授权家人" in said(messages)


def button_titles(stack, domain, relative):
    """The errand buttons offered when the proxy starts (taken again: the token is reissued)."""
    slots = verified(stack, relative)
    events, _ = run(ValidateProxyForm(), tracker(slots, text="/act_for_family", intent="act_for_family",
                                                 form="proxy_form", sender=relative["sender"]), domain)
    _events, messages = run(ActionStartProxy(), tracker(dict(slots, **slots_of(events)), sender=relative["sender"]),
                            domain)
    return [button["title"] for message in messages for button in message.get("buttons") or []]
