"""The prompt catalogue is made from the dialogue itself and kept current.

A sentence added or changed anywhere the kiosk speaks from (domain, actions, kiosk, lessons)
changes the generated catalogue; the checked-in kiosk/speech/prompts.json must then be
regenerated, so the centres' recording lists and coverage always match what is said. And
every prompt, filled with the values the actions write, is recognised by playback.
"""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

from kiosk.speech.packs import RecordedPrompt
from kiosk.speech.playback import RECORDING, Matcher
from kiosk.speech.prompts import (
    SLOT_TYPES,
    Slot,
    build_catalogue,
    differences,
    load_catalogue,
    parse_template,
    template_key,
)
from nlu.actions.formatting import day_label, grouped, month_day, time_label, yuan

ACTION = '''
from nlu.actions.formatting import month, month_day, yuan
from common.masking import last_four

PROMPT = "请您稍等。"
SENTENCES = {"a": "请看着屏幕"}


def describe(latest, phone, hall, count):
    if count:
        return f"还差 {count} 位。"
    text = f"您{month(latest.month)}的养老金 {yuan(latest.amount)}，已于{month_day(latest.paid_on)}发放。"
    text += "联系电话尾号" + last_four(phone) + "。对吗？"
    buttons = [{"title": "是的", "payload": "/affirm"}]  # a button: not said
    note = "请工作人员处理。"  # not spoken
    if phone == "是的":  # heard, not said
        return f"{hall.name}在{hall.address}。"
    return text
'''
DOMAIN = '''
responses:
  utter_greet:
    - text: "您好！请点一下您要办的事。"
  utter_district:
    - text: "好的，{district}。"
'''


def tree(root: Path, action: str = ACTION, domain: str = DOMAIN) -> Path:
    (root / "nlu" / "actions").mkdir(parents=True, exist_ok=True)
    (root / "nlu" / "domain").mkdir(parents=True, exist_ok=True)
    (root / "nlu" / "actions" / "pension.py").write_text(textwrap.dedent(action), encoding="utf-8")
    (root / "nlu" / "domain" / "core.yml").write_text(textwrap.dedent(domain), encoding="utf-8")
    return root


def test_the_checked_in_catalogue_is_current():
    stored, built = load_catalogue(), build_catalogue()
    changes = differences(stored, built)
    assert not changes and stored.dumps() == built.dumps(), (
        "The kiosk's sentences changed: run `python main.py voice-pack prompts --write` and commit "
        "kiosk/speech/prompts.json (recordings of changed sentences become out of date):\n" + "\n".join(changes))


def test_sentences_become_templates_with_typed_slots(tmp_path):
    catalogue = build_catalogue(tree(tmp_path))
    by_id = {prompt_id: prompt.text for prompt_id, prompt in catalogue.by_id().items()}
    assert by_id == {
        "nlu/domain/core.yml:utter_greet#0": "您好！请点一下您要办的事。",
        "nlu/domain/core.yml:utter_district#0": "好的，{district}。",
        "nlu/actions/pension.py:PROMPT": "请您稍等。",
        "nlu/actions/pension.py:SENTENCES['a']": "请看着屏幕",
        "nlu/actions/pension.py:describe#0": "还差 {number} 位。",
        "nlu/actions/pension.py:describe#1": "您{month}的养老金 {amount}，已于{date}发放。",
        "nlu/actions/pension.py:describe#2": "联系电话尾号{masked_number}。对吗？",
        "nlu/actions/pension.py:describe#3": "{hall_name}在{free_text}。",
    }
    pension = catalogue.prompts[template_key("您{month}的养老金 {amount}，已于{date}发放。")]
    assert pension.parts == ("您", Slot("month"), "的养老金 ", Slot("amount"), "，已于", Slot("date"), "发放。")
    assert [index for index, _ in pension.takes] == [0, 2, 4, 6]


def test_a_changed_sentence_gets_a_new_key_at_the_same_place(tmp_path):
    before = build_catalogue(tree(tmp_path / "a"))
    after = build_catalogue(tree(tmp_path / "b", domain=DOMAIN.replace("您好！", "您好呀！")))
    old, new = before.by_id()["nlu/domain/core.yml:utter_greet#0"], after.by_id()["nlu/domain/core.yml:utter_greet#0"]
    assert old.key != new.key and old.key not in after.prompts
    assert differences(before, after)[0].startswith("+ 您好呀！")


def test_the_real_catalogue_holds_the_dialogue(tmp_path):
    catalogue = load_catalogue()
    texts = {prompt.text for prompt in catalogue.prompts.values()}
    assert len(catalogue.prompts) > 150
    assert "您{month}的养老金 {amount}，已于{date}发放。" in texts
    assert "您还想办别的事吗？请点一下，或者直接说。" in texts
    files = {prompt_id.split(":")[0] for prompt_id in catalogue.by_id()}
    assert {"nlu/domain/core.yml", "nlu/actions/pension.py", "kiosk/session.py", "common/menu.py"} <= files
    for prompt in catalogue.prompts.values():
        assert all(part.type in SLOT_TYPES for part in prompt.parts if isinstance(part, Slot))
        assert prompt.takes, prompt.text  # something to record
    assert len(catalogue.words) == len(set(catalogue.words)) >= 52


EXAMPLES = {
    "amount": yuan(Decimal("3215.60")), "date": month_day(date(2026, 11, 15)), "month": "11月",
    "time": time_label("14:30"), "masked_number": "5678", "digits": grouped("2026112400000151", 4),
    "number": "3", "hall_name": "章贡区政务服务中心", "district": "章贡区", "free_text": "路灯不亮",
}


def fill(text: str) -> str:
    return "".join(part if isinstance(part, str) else EXAMPLES[part.type] for part in parse_template(text))


def test_every_prompt_filled_as_the_actions_write_it_plays_its_own_recording():
    catalogue = load_catalogue()
    recorded = [RecordedPrompt(p.key, p.text, p.ids, {i: f"{p.key}-{i}.wav" for i, _ in p.takes})
                for p in catalogue.prompts.values()]
    matcher = Matcher(recorded, {})
    wrong = []
    for prompt in recorded:
        played = [piece.files[0] for piece in matcher.plan(fill(prompt.text)) if piece.kind == RECORDING]
        if played != [prompt.parts[i] for i, _ in sorted(prompt.parts.items())]:
            wrong.append(f"{prompt.text}: {played}")
    assert not wrong, "\n".join(wrong)


def test_dates_and_times_in_other_forms_still_match():
    template = "给您约在{hall_name}，{date}，{time}，办{free_text}。对吗？"
    prompt = RecordedPrompt("k", template, [], {0: "a", 6: "b", 8: "c"})
    when = day_label(date(2026, 11, 25), date(2026, 11, 24))  # 明天 11月25日 星期三
    text = f"给您约在章贡区政务服务中心，{when}，{time_label('09:00')}，办社保业务。对吗？"
    played = [piece.files[0] for piece in Matcher([prompt], {}).plan(text) if piece.kind == RECORDING]
    assert played == ["a", "b", "c"]


def test_a_free_text_that_is_a_recorded_sentence_plays_that_recording():
    """A tapped common problem read back: 我帮您记下了：路灯不亮，晚上看不见路。…"""
    read_back = RecordedPrompt("r", "我帮您记下了：{free_text}。地点是{free_text}，{district}。", [],
                               {0: "r0.wav", 2: "r2.wav", 6: "r6.wav"})
    problem = RecordedPrompt("p", "路灯不亮，晚上看不见路。", [], {0: "p.wav"})
    pieces = Matcher([read_back, problem], {}).plan("我帮您记下了：路灯不亮，晚上看不见路。地点是公园，章贡区。")
    assert [(piece.kind, piece.files) for piece in pieces if piece.kind != "pause"] == [
        (RECORDING, ("r0.wav",)), (RECORDING, ("p.wav",)), (RECORDING, ("r2.wav",)), ("synthesis", ()),
        ("synthesis", ())]
