"""Every screen and overlay at every text step, measured against ACCESSIBILITY.md.

Each screen is reached the way a reply reaches it (controller.on_reply with the kind of
reply Rasa sends), so the layouts are checked with long texts and many choices as well;
the walk tests drive the same screens through the real dialogue."""

from __future__ import annotations

import pytest

from kiosk import theme
from kiosk.dialogue_client import Button, Reply
from tests.kiosk import a11y

pytestmark = pytest.mark.ui

LONG_ANSWER = ("高龄补贴怎么领：年满80周岁的老人，可以领高龄补贴。钱按月发，年纪越大，钱越多。"
               "请带上身份证和户口本，到社区或乡镇便民服务中心申请。具体钱数以当地最新标准为准。"
               "您还想办别的事吗？请点一下，或者直接说。")
CHOICES = tuple(Button(t, f"/inform{{\"district\": \"{t}\"}}") for t in
                ["章贡区", "南康区", "赣县区", "瑞金市", "龙南市", "更多区县"])

REPLIES = {
    "conversation": Reply(("好的，身份证号 3607 ********** 1226。", "是哪个区县？请点一下，也可以直接说。"),
                          CHOICES, {"input": "choice"}),
    "long-answer": Reply((LONG_ANSWER,), (), {}),
    "keypad": Reply(("请输入您的手机号码。办好了，会有人联系您。",), (), {"input": "phone"}),
    "keypad-with-choice": Reply(("请输入办件编号。没有编号，可以点“查我反映过的事”。",),
                                (Button("查我反映过的事", '/inform{"track_by": "mine"}'),), {"input": "case_number"}),
    # Who the resident is: the card invited, the way chosen, the code typed (after a wrong one),
    # staff on their way.
    "identity-card-invited": Reply(("请输入您的身份证号码。点下面的数字，也可以一个字一个字地说。",), (),
                                   {"input": "id_number", "card_on_reader": "ask"}),
    "identity-way": Reply(("请选一种方式，核对是您本人。",),
                          (Button("收短信验证码", '/inform{"identity_way": "sms"}'),
                           Button("请工作人员核验", '/inform{"identity_way": "staff"}')),
                          {"input": "choice", "card_on_reader": "ask"}),
    "identity-code-wrong": Reply(("验证码不对，还可以再试2次。",
                                  "请输入6位验证码。验证码在短信里，已经发到您登记的手机上。"),
                                 (Button("再发一次", "/resend_code"),
                                  Button("请工作人员核验", '/inform{"identity_way": "staff"}')), {"input": "sms_code"}),
    "identity-staff-wait": Reply(("好的，工作人员马上过来，看一下您的身份证。请您在这里稍等。",),
                                 (Button("工作人员核对好了", '/inform{"staff_check": "check-1"}'),),
                                 {"identity_check": "check-1"}),
    # The pension certification: waiting for staff to certify in person, then certified.
    "certification-staff-wait": Reply(("好的，工作人员马上过来，当面帮您认证。请您带好身份证，在这里稍等。",),
                                      (Button("工作人员认证好了", "/staff_certified"),),
                                      {"identity_check": "certification:req-1"}),
    "certification-done": Reply(("工作人员已经帮您认证好了。下次请在2027年12月2日前认证，到时可以发短信提醒您。",),
                                (Button("短信提醒我", '/certification_reminder{"reminder_to": "self"}'),
                                 Button("短信提醒家人", '/certification_reminder{"reminder_to": "family"}')),
                                {"result": {"title": "养老资格认证好了", "value": "2027年12月2日",
                                            "note": "下次请在这天前认证"}, "printable": True,
                                 "screen": "certification"}),
    # Another errand's result, ending with the offer to certify now.
    "result-certify-now": Reply(("您11月的养老金 3,215.60 元，11月15日已发放。",
                                 "养老资格认证快到期了，要现在认证吗？"),
                                (Button("现在认证", "/pension_certification"),),
                                {"result": {"title": "11月养老金", "value": "3,215.60 元", "note": "已发放"},
                                 "printable": True}),
    "certification-due": Reply(("您的养老资格认证快到期了。请在2027年1月20日前认证。",
                                "请点“请工作人员认证”，工作人员会当面帮您。"),
                               (Button("请工作人员认证", '/pension_certification{"certification_way": "staff"}'),),
                               {"result": {"title": "养老资格认证快到期了", "value": "2027年1月20日",
                                           "note": "请在这天前认证"}, "screen": "certification"}),
    "confirm": Reply(("我帮您记下了：路灯不亮，晚上看不见路。地点是我住的小区，章贡区。联系电话尾号5678。对吗？",),
                     (Button("是的", "/affirm"), Button("不对，我要改", "/deny")), {"input": "yes_no"}),
    "result": Reply(("已经帮您提交到12345了。办件编号是 2026 1124 0000 0151。以后可以用这个编号查进度。",),
                    (), {"result": {"title": "12345办件编号", "value": "2026 1124 0000 0151",
                                    "note": "请记下来，或者打印凭条"}, "printable": True}),
}
FLOORS = {"conversation": [("assistant", theme.FLOOR_TITLE)], "long-answer": [],
          "keypad": [("prompt", theme.FLOOR_TITLE)], "keypad-with-choice": [("prompt", theme.FLOOR_TITLE)],
          "identity-card-invited": [("prompt", theme.FLOOR_TITLE)], "identity-way": [("assistant", theme.FLOOR_TITLE)],
          "identity-code-wrong": [("prompt", theme.FLOOR_TITLE)],
          "identity-staff-wait": [("assistant", theme.FLOOR_TITLE)],
          "certification-staff-wait": [("assistant", theme.FLOOR_TITLE)],
          "certification-done": [("value", theme.FLOOR_RESULT)],
          "certification-due": [("value", theme.FLOOR_RESULT)],
          "result-certify-now": [("value", theme.FLOOR_RESULT)],
          "confirm": [("read_back", theme.FLOOR_TITLE)],
          "result": [("value", theme.FLOOR_RESULT)]}


def check(ui, shot, floors=()):
    root, scale = ui.app.root, ui.app.state.font_scale
    return (a11y.check_text_sizes(root, scale, floors) + a11y.check_not_cut_off(root) + a11y.check_targets(root)
            + a11y.check_contrast(root, shot) + a11y.check_overlaps(root) + a11y.check_line_spacing(root))


def at_step(ui, step: int) -> None:
    ui.app.state.scale_index = step
    ui.app.state.font_scale = ui.app.settings.kiosk.text_scales[step]


@pytest.mark.parametrize("step", [0, 1, 2])
@pytest.mark.parametrize("name", list(REPLIES))
def test_screen_at_every_text_step(ui, output_dir, name, step):
    at_step(ui, step)
    ui.app.controller.on_reply(REPLIES[name])
    shot = ui.screenshot(output_dir / f"{name}-step{step}.png")
    problems = check(ui, shot, FLOORS[name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("step", [0, 2])
def test_long_answers_page_instead_of_shrinking(ui, output_dir, step):
    at_step(ui, step)
    ui.app.controller.on_reply(REPLIES["long-answer"])
    ui.settle()
    paged = ui.screen.ids.assistant
    shown = "".join(paged.pages)
    assert shown == LONG_ANSWER  # nothing lost between pages
    if step == 2:
        assert len(paged.pages) > 1  # the largest text needs pages
        paged.next_page()
        ui.screenshot(output_dir / f"page2-step{step}.png")


@pytest.mark.parametrize("overlay", ["waiting", "idle", "listening", "help"])
@pytest.mark.parametrize("step", [0, 2])
def test_overlays_and_banners(ui, output_dir, overlay, step):
    at_step(ui, step)
    state = ui.app.state
    if overlay == "waiting":
        state.waiting = True
    elif overlay == "idle":
        state.idle_seconds_left = 25
    elif overlay == "listening":
        state.listening, state.heard_text = True, "我的退休金发了没有"
    else:
        state.help_coming = True
    try:
        shot = ui.screenshot(output_dir / f"{overlay}-step{step}.png")
        assert not check(ui, shot), "\n".join(check(ui, shot))
    finally:
        state.waiting, state.idle_seconds_left, state.listening, state.help_coming = False, 0, False, False
