"""我的预约 in the real window: the list as the action says it (two appointments, read out one by
one), with 取消预约 / 改预约时间 / 回首页, measured against ACCESSIBILITY.md at every text step.
The appointments are the portal's model objects; only the portal call is left out (the
action's own tests run it against the sandbox)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from kiosk import theme
from kiosk.dialogue_client import parse_reply
from kiosk.screens.conversation import ChoiceButton
from portal.models import Appointment
from tests.kiosk import a11y

pytestmark = pytest.mark.ui


def two_booked():
    soon, later = date.today() + timedelta(days=1), date.today() + timedelta(days=6)
    hall = {"hall_id": "H01", "hall_name": "章贡区政务服务中心", "address": "章贡区长征大道1号", "status": "booked"}
    return [Appointment(appointment_id="A1", date=soon, start="09:30", end="10:00", service="医保业务",
                        materials=["身份证"], **hall),
            Appointment(appointment_id="A2", date=later, start="14:30", end="15:00", service="老年人优待证",
                        materials=["身份证", "照片"], **hall)]


@pytest.mark.parametrize("step", [0, 1, 2])
def test_the_list_with_what_to_do_next_is_readable(ui, output_dir, monkeypatch, step):
    from nlu.actions import appointment_manage

    monkeypatch.setattr(appointment_manage, "booked", lambda tracker: two_booked())
    dispatcher = CollectingDispatcher()
    tracker = Tracker.from_dict({"sender_id": "kiosk-ui-1", "slots": {}, "events": [], "latest_message": {}})
    appointment_manage.ActionMyAppointments().answer(dispatcher, tracker, "token")
    ui.app.state.scale_index = step
    ui.app.state.font_scale = ui.app.settings.kiosk.text_scales[step]
    ui.app.controller.on_reply(parse_reply(dispatcher.messages))
    assert ui.current() == "conversation"
    shot = ui.screenshot(output_dir / f"my-appointments-step{step}.png")
    root, scale = ui.app.root, ui.app.state.font_scale
    problems = (a11y.check_text_sizes(root, scale, [("assistant", theme.FLOOR_TITLE)]) + a11y.check_not_cut_off(root)
                + a11y.check_targets(root) + a11y.check_contrast(root, shot) + a11y.check_overlaps(root)
                + a11y.check_line_spacing(root))
    assert not problems, "\n".join(problems)
    for title in ("取消预约", "改预约时间", "回首页"):
        assert ui.find_button(ChoiceButton, title) is not None
    shown = "".join(ui.screen.ids.assistant.pages)
    assert "第1个" in shown and "老年人优待证" in shown  # nothing lost between pages
