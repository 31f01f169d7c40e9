"""Every shipped lesson, run to the end in the real window through the real dialogue (in
practice mode, so only the sandbox is touched); and lesson files checked on load."""

from __future__ import annotations

import re

import pytest

from common.lessons import load_lessons

pytestmark = [pytest.mark.ui, pytest.mark.services]


def do_step(ui, step, values) -> None:
    from kiosk.widgets.buttons import BarButton, ChoiceButton, KeyButton, ServiceTile

    target = step.target.format(**values)
    if step.action == "tap":
        ui.wait_until(lambda: ui.find_button((ServiceTile, BarButton), target) or ui.app.state.highlight == "更多",
                      what=target)
        if not ui.find_button((ServiceTile, BarButton), target):
            # The tile is on the 更多 page at this size: the lesson points at 更多, then at the tile.
            ui.tap(ui.find_button((ServiceTile,), "更多"))
            ui.wait_until(lambda: ui.app.state.highlight == target, what=f"{target} highlighted on 更多")
            ui.wait_until(lambda: ui.find_button((ServiceTile, BarButton), target), what=target)
        ui.tap(ui.find_button((ServiceTile, BarButton), target))
    elif step.action in ("choose", "confirm"):
        def ready():
            return ui.find_button((ChoiceButton,), None if target == "*" else target)
        ui.wait_until(ready, timeout=60, what=f"choice {target}")
        ui.tap(ready())
    elif step.action == "type":
        ui.wait_until(lambda: ui.current() == "keypad", timeout=60, what="keypad")
        if target == "*":  # the practice code, read off the screen as the learner does
            state = ui.app.state
            shown = re.search(r"练习用的验证码是\s*([0-9]{6})", state.earlier_text)
            assert shown, f"the practice code is not on the keypad screen: {state.entry_prompt!r}"
            target = shown.group(1)
        for key in target:
            ui.tap(ui.find_button((KeyButton,), key))
        ui.tap(ui.screen.ids.confirm)
    elif step.action == "say":
        ui.app.controller.say_text(target)  # what the recogniser would deliver


@pytest.mark.parametrize("lesson", load_lessons()[0], ids=lambda lesson: lesson.id)
def test_every_lesson_runs_to_the_end(ui, lesson, output_dir):
    controller = ui.app.controller
    lessons = controller.lessons
    lessons.start(lesson.id)
    ui.settle()
    assert ui.app.state.practice and "练习模式" in ui.app.state.lesson_text
    assert controller.session.dialogue.sender_id.startswith("practice-")
    ui.screenshot(output_dir / "first-step.png")
    values = lesson.resident.values()
    for number, step in enumerate(lesson.steps):
        assert lessons.step_index == number
        do_step(ui, step, values)
        ui.wait_until(lambda n=number: lessons.lesson is None or lessons.step_index > n, timeout=90,
                      what=f"step {number + 1} of {lesson.id}")
    assert lessons.lesson is None and not ui.app.state.practice
    assert not controller.session.dialogue.sender_id.startswith("practice-")


def test_a_lesson_stopped_half_way_leaves_a_real_kiosk(ui):
    """Staff (or a failed run) end a lesson early: no practice banner, no practice dialogue,
    nothing of the lesson said or shown to whoever comes next."""
    controller = ui.app.controller
    lesson = load_lessons()[0][0]
    controller.lessons.start(lesson.id)
    ui.settle()
    do_step(ui, lesson.steps[0], lesson.resident.values())
    ui.wait_until(lambda: controller.lessons.step_index == 1, timeout=90, what="the lesson's second step")
    controller.lessons.stop()
    ui.settle()
    state = ui.app.state
    assert controller.lessons.lesson is None and not state.practice and not state.lesson_text
    assert not state.highlight and ui.current() == "home"
    assert not controller.session.dialogue.sender_id.startswith("practice-")
    assert not controller.session.dialogue.practice
