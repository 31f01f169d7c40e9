"""Where a resident was, in the words volunteers and staff read: 预约办事 · 选日子, not
"appointment · appointment_date". The kiosk reports the errand's id and the step it was at (the
form's question, or what it was collecting); the page shows their Chinese names.
"""

from __future__ import annotations

from typing import Dict

from common import errands

# What the kiosk was collecting, for steps that are no form's question (or came from an older kiosk).
INPUT_NAMES = {"home": "首页", "id_number": "身份证号", "phone": "输手机号", "case_number": "输办件编号",
               "choice": "点选", "yes_no": "确认", "free_speech": "说一说", "sms_code": "输短信验证码"}


def step_label(step: str, errand: str = "") -> str:
    name = errands.step_name(step, errand) if step else ""
    return INPUT_NAMES.get(step, name) if name == step else name


def place_names(errand: str, step: str) -> Dict[str, str]:
    """The errand and step as volunteers read them ("" where the kiosk reported none)."""
    return {"errand_name": errands.errand_name(errand) if errand else "", "step_name": step_label(step, errand)}
