"""Every shipped lesson, run to the end in the real window through the real dialogue (in
practice mode, so only the sandbox is touched); and lesson files checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.lessons import LessonError, load_lesson, load_lessons
from kiosk.lesson_controller import practice_values

pytestmark = [pytest.mark.ui, pytest.mark.services]


def do_step(ui, step, values) -> None:
    from kiosk.widgets.buttons import BarButton, ChoiceButton, KeyButton, ServiceTile

    target = step.target.format(**values)
    if step.action == "tap":
        ui.wait_until(lambda: ui.find_button((ServiceTile, BarButton), target), what=target)
        ui.tap(ui.find_button((ServiceTile, BarButton), target))
    elif step.action in ("choose", "confirm"):
        def ready():
            return ui.find_button((ChoiceButton,), None if target == "*" else target)
        ui.wait_until(ready, timeout=60, what=f"choice {target}")
        ui.tap(ready())
    elif step.action == "type":
        ui.wait_until(lambda: ui.current() == "keypad", timeout=60, what="keypad")
        for key in target:
            ui.tap(ui.find_button((KeyButton,), key))
        ui.tap(ui.screen.ids.confirm)
    elif step.action == "say":
        ui.app.controller.say_text(target)  # what the recogniser would deliver


@pytest.mark.parametrize("lesson", load_lessons()[0], ids=lambda lesson: lesson.id)
def test_every_lesson_runs_to_the_end(ui, lesson, output_dir):
    controller = ui.app.controller
    controller.start_lesson(lesson.id)
    ui.settle()
    assert ui.app.state.practice and "练习模式" in ui.app.state.lesson_text
    assert controller.session.dialogue.sender_id.startswith("practice-")
    ui.screenshot(output_dir / "first-step.png")
    values = practice_values(lesson)
    for number, step in enumerate(lesson.steps):
        assert controller.lesson_step == number
        do_step(ui, step, values)
        ui.wait_until(lambda n=number: controller.lesson is None or controller.lesson_step > n, timeout=90,
                      what=f"step {number + 1} of {lesson.id}")
    assert controller.lesson is None and not ui.app.state.practice
    assert not controller.session.dialogue.sender_id.startswith("practice-")


def test_shipped_lessons_all_load():
    lessons, problems = load_lessons()
    assert problems == []
    shipped = {"查养老金", "做养老资格认证", "向12345反映问题", "查办件进度", "预约办事"}
    assert {lesson.title for lesson in lessons} >= shipped


def test_a_broken_lesson_names_its_file_and_line_and_the_others_still_load(tmp_path):
    for lesson in Path("config/lessons").glob("*.yml"):
        (tmp_path / lesson.name).write_text(lesson.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.yml").write_text("title: 坏的课\nsteps:\n  - say: 请点一下\n    expect: {fly: 天上}\n",
                                         encoding="utf-8")
    with pytest.raises(LessonError, match=r"broken\.yml, line 4"):
        load_lesson(tmp_path / "broken.yml")
    lessons, problems = load_lessons(tmp_path)
    assert len(lessons) == 5 and len(problems) == 1 and "broken.yml" in problems[0]
