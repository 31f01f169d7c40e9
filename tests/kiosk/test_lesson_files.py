"""Lesson files are checked when they load (a broken one names its file and line, the others
still load), and the fictional residents they practise with exist in the practice portal
exactly as the lessons describe them."""

from __future__ import annotations

from pathlib import Path

import pytest

from common import idnumber
from common.lessons import LessonError, load_lesson, load_lessons, practice_residents
from portal.sandbox.seed import DEMO_RESIDENTS


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


def test_every_practice_resident_is_in_the_sandbox():
    sandbox = {idnumber.make(area, born, sequence): (name, phone)
               for name, area, born, sequence, phone, _cents in DEMO_RESIDENTS}
    for resident in practice_residents().values():
        assert sandbox.get(resident.id_number) == (resident.name, resident.phone), resident.name


def test_a_lesson_naming_an_unknown_resident_is_refused(tmp_path):
    (tmp_path / "stranger.yml").write_text(
        "title: 陌生人\npractice_resident: 不存在\nsteps:\n  - say: 请点一下\n    expect: {tap: 首页}\n",
        encoding="utf-8")
    with pytest.raises(LessonError, match=r"stranger\.yml, line 2: no practice resident"):
        load_lesson(tmp_path / "stranger.yml")
