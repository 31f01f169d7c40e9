"""Where a resident was, as volunteers read it: the Chinese names of errands and steps from the
registry (common/errands.py), never the raw ids the kiosk reports."""

from __future__ import annotations

import pytest

from common import errands
from console.place_names import place_names


@pytest.mark.parametrize("errand, step, names", [
    ("pension", "id_number", ("查养老金", "身份证号")),
    ("hotline_report", "phone_number", ("向12345反映问题", "输手机号")),
    ("appointment", "appointment_date", ("预约办事", "选日子")),
    ("", "", ("", "")),
])
def test_ids_become_names(errand, step, names):
    shown = place_names(errand, step)
    assert (shown["errand_name"], shown["step_name"]) == names


def test_every_errand_and_form_step_has_a_chinese_name():
    for errand in errands.ERRANDS:
        steps = [step.slot for step in errand.form.steps] if errand.form else []
        for step in ["", *steps]:
            shown = place_names(errand.id, step)
            assert shown["errand_name"] and not shown["errand_name"].isascii(), errand.id
            assert not shown["step_name"] or not shown["step_name"].isascii(), (errand.id, step)
