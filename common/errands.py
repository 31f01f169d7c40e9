"""The errand registry: every errand a resident can do, once, and everything derived from it.

An errand's id, its intent and payload, its tile (words, pictogram, colour), whether it
needs a verified resident, its form's steps and their Chinese names, and the action that
finishes it live here and nowhere else. The home tiles, the theme's tile colours, the
console's and usage page's names, the dialogue's go-back steps and the generated parts of
the Rasa domain and rules (`nlu/tools/make_domain.py`) are all read from this table, and
`tests/nlu/test_registry.py` fails when the domain and the registry disagree.

Pure data, no imports beyond the standard library: the kiosk, the action server, the
console, the tools and the Rasa server's components all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Step:
    """One question of a form: the slot it fills and what volunteers read (这一步：…).

    `asked` is False for slots a form lists only so that a tapped button counts as an
    answer (change_field after 不对, track_by); going back skips them. `free_text` answers
    (a name, a description, a place) take the resident's whole sentence, unless the sentence
    was a request of its own (`not_answers`)."""

    slot: str
    name: str
    asked: bool = True
    free_text: bool = False


@dataclass(frozen=True)
class Tile:
    """A home-screen tile: 2-6 characters, a pictogram in assets/icons, a colour (>= 7:1
    against white words: tests/kiosk measures it)."""

    label: str
    icon: str
    colour: str


@dataclass(frozen=True)
class Form:
    name: str
    steps: Tuple[Step, ...]

    @property
    def slots(self) -> List[str]:
        return [step.slot for step in self.steps]

    @property
    def asked(self) -> List[str]:
        return [step.slot for step in self.steps if step.asked]

    def step_name(self, slot: str) -> Optional[str]:
        return next((step.name for step in self.steps if step.slot == slot), None)


@dataclass(frozen=True)
class Errand:
    id: str  # the `errand` slot's value and the usage figures' key
    intent: str  # what the resident says or taps to start it
    name: str  # what volunteers and staff read
    action: str  # runs when everything is known
    needs_identity: bool = False
    form: Optional[Form] = None
    tile: Optional[Tile] = None

    @property
    def payload(self) -> str:
        return f"/{self.intent}"

    @property
    def first_step(self) -> str:
        """The form (or action) the errand begins with: who the resident is, where needed."""
        if self.needs_identity:
            return "identity_form"
        return self.form.name if self.form else self.action


# Who the resident is: the ID card on the reader (any time, nlu/actions/card.py), or the
# number typed and then a one-time code by SMS, or a staff member checking the card in person.
IDENTITY_FORM = Form("identity_form", (
    Step("id_number", "身份证号"),
    Step("identity_way", "选核验方式"),
    Step("sms_code", "输短信验证码"),
    Step("staff_check", "等工作人员核验"),
))

PENSION = Errand("pension", "query_pension", "查养老金", "action_query_pension", needs_identity=True,
                 tile=Tile("查养老金", "pension", "#0A4D8C"))
# The yearly pension certification: its status, then done here (a staff member in person, or
# the face check where a camera is fitted) or a home visit; the way rides in the payload
# (/pension_certification{"certification_way": "staff"}) or in the words (nlu/actions/certification.py).
CERTIFICATION = Errand("certification", "pension_certification", "养老资格认证", "action_certification_status",
                       needs_identity=True, tile=Tile("养老认证", "certification", "#1E4D2B"))
# An SMS 30 days before the next due date, to the resident's phone or a family member's.
CERTIFICATION_REMINDER = Errand(
    "certification_reminder", "certification_reminder", "设认证提醒", "action_set_certification_reminder",
    needs_identity=True,
    form=Form("certification_reminder_form", (
        Step("reminder_to", "选提醒谁"),
        Step("reminder_phone", "输家人手机号"),
    )))
MEDICAL = Errand("medical", "query_medical_insurance", "查医保", "action_query_medical", needs_identity=True,
                 tile=Tile("查医保", "medical", "#004D40"))
HOTLINE_REPORT = Errand(
    "hotline_report", "hotline_report", "向12345反映问题", "action_submit_hotline_report",
    form=Form("hotline_report_form", (
        Step("problem_description", "说问题", free_text=True),
        Step("place", "说地点", free_text=True),
        Step("district", "选区县"),
        Step("phone_number", "输手机号"),
        Step("change_field", "选要改的", asked=False),
        Step("report_confirmed", "确认提交"),
    )),
    tile=Tile("反映问题", "hotline_report", "#7C2D12"))
# Only the case's reporter, verified, reads its progress or rates it.
HOTLINE_TRACK = Errand(
    "hotline_track", "hotline_track", "查办件进度", "action_show_case", needs_identity=True,
    form=Form("hotline_track_form", (
        Step("track_by", "选查法", asked=False),
        Step("case_number", "输办件编号"),
    )),
    tile=Tile("办件进度", "hotline_track", "#5B2C83"))
HOTLINE_RATE = Errand(
    "hotline_rate", "hotline_rate", "评价办件", "action_submit_rating", needs_identity=True,
    form=Form("hotline_rate_form", (
        Step("case_number", "输办件编号"),
        Step("rating", "打分"),
        Step("change_field", "选要改的", asked=False),
        Step("rating_confirmed", "确认评价"),
    )))
APPOINTMENT = Errand(
    "appointment", "book_appointment", "预约办事", "action_book_appointment", needs_identity=True,
    form=Form("appointment_form", (
        Step("district", "选区县"),
        Step("hall_service", "选事项"),
        Step("appointment_date", "选日子"),
        Step("appointment_time", "选时间"),
        Step("change_field", "选要改的", asked=False),
        Step("appointment_confirmed", "确认预约"),
    )),
    tile=Tile("预约办事", "appointment", "#0B5566"))
HALL_INFO = Errand("hall_info", "service_hall_info", "问办事大厅", "action_hall_info",
                   form=Form("hall_info_form", (Step("district", "选区县"),)))
POLICY = Errand("policy", "policy_question", "问政策", "action_answer_policy")

# Yearly contributions (城乡居民医保, 城乡居民养老保险), as at the government kiosks: 缴费 asks for
# whom (nlu/actions/payments.py): oneself or a household member, the resident verified, or anyone
# by their identity number and a masked-name check (代他人缴费: as at 粤智助 the payer need not be
# verified; the portal limits lookups). A relative acting for an elder (代办) pays the elder's own
# dues through pay_self. Each form shows and says what is due, then asks for the payer's consent
# before the QR code (nlu/actions/payment_forms.py, payment_other.py).
PAYMENT = Errand("payment", "pay_contribution", "缴费", "action_ask_payer", tile=Tile("缴费", "payment", "#6B4500"))
_DUES_AND_CONSENT = (Step("pay_dues_read", "查要交的费", asked=False), Step("pay_dues", "选要交的费"),
                     Step("pay_consent", "同意付款"))
PAY_SELF = Errand("pay_self", "pay_for_self", "给自己缴费", "action_create_payment_order", needs_identity=True,
                  form=Form("pay_self_form", _DUES_AND_CONSENT))
PAY_FAMILY = Errand("pay_family", "pay_for_family", "给家里人缴费", "action_create_payment_order",
                    needs_identity=True, form=Form("pay_family_form", (Step("pay_member", "选家里人"),
                                                                       *_DUES_AND_CONSENT)))
PAY_OTHER = Errand("pay_other", "pay_for_other", "给别人缴费", "action_create_payment_order",
                   form=Form("pay_other_form", (Step("pay_other_number", "输对方身份证号"),
                                                Step("pay_other_confirmed", "确认对方名字"), *_DUES_AND_CONSENT)))
# The payment link by SMS to a relative far away, from the payment screen (nlu/actions/payment_link.py).
PAY_LINK = Errand("pay_link", "send_pay_link", "发付款短信", "action_send_pay_link",
                  form=Form("pay_link_form", (Step("pay_link_phone", "输家人手机号"),
                                              Step("pay_link_confirmed", "确认发短信"))))
# The resident's booked appointments: list, cancel one, move one (nlu/actions/appointment_manage.py,
# appointment_move.py).
MY_APPOINTMENTS = Errand("my_appointments", "my_appointments", "我的预约", "action_my_appointments",
                         needs_identity=True, tile=Tile("我的预约", "my_appointments", "#2B3F7A"))
APPOINTMENT_CANCEL = Errand("appointment_cancel", "cancel_appointment", "取消预约", "action_cancel_appointment",
                            needs_identity=True, form=Form("appointment_cancel_form", (
                                Step("appointment_choice", "选预约"), Step("cancel_confirmed", "确认取消预约"))))
APPOINTMENT_MOVE = Errand("appointment_move", "move_appointment", "改预约时间", "action_move_appointment",
                          needs_identity=True, form=Form("appointment_move_form", (
                              Step("appointment_choice", "选预约"), Step("move_date", "选新日子"),
                              Step("move_time", "选新时间"), Step("move_confirmed", "确认改时间"))))

# 代办: a verified elder authorises a relative (the relative's number, who they are, what they may
# do, for how long, read back, then the code the portal sends to the relative's phone, typed here:
# nlu/actions/family_authorise.py); lists and withdraws them (family_grants.py); a verified
# relative acts for an elder who authorised them (family_proxy.py).
AUTHORISE = Errand(
    "authorise", "authorise_family", "授权家人代办", "action_authorise_family", needs_identity=True,
    tile=Tile("授权家人", "family", "#3B4A1E"),
    form=Form("authorise_form", (
        Step("agent_id_number", "输家人身份证号"),
        Step("agent_relationship", "选家人关系"),
        Step("agent_scopes", "选能办的事"),
        Step("agent_days", "选授权多久"),
        Step("authorise_confirmed", "确认授权"),
        Step("agent_code", "输家人验证码"),
    )))
MY_AUTHORISATIONS = Errand("my_authorisations", "my_authorisations", "我的授权", "action_my_authorisations",
                           needs_identity=True, tile=Tile("我的授权", "family", "#3D3A6B"))
AUTHORISATION_WITHDRAW = Errand(
    "authorisation_withdraw", "withdraw_authorisation", "取消授权", "action_withdraw_authorisation",
    needs_identity=True, form=Form("authorisation_withdraw_form", (
        Step("authorisation_choice", "选授权"), Step("withdraw_confirmed", "确认取消授权"))))
PROXY = Errand("proxy", "act_for_family", "帮家里人办", "action_start_proxy", needs_identity=True,
               tile=Tile("代家人办", "family", "#5A2A3C"),
               form=Form("proxy_form", (Step("proxy_principal", "选家里人"),)))

# In the order of the tiles (the home screen shows the first ones that fit, 更多 the rest).
ERRANDS: Tuple[Errand, ...] = (PENSION, MEDICAL, HOTLINE_REPORT, HOTLINE_TRACK, HOTLINE_RATE, APPOINTMENT,
                               CERTIFICATION, CERTIFICATION_REMINDER, HALL_INFO, POLICY, PAYMENT, PAY_SELF,
                               PAY_FAMILY, PAY_OTHER, PAY_LINK, MY_APPOINTMENTS, APPOINTMENT_CANCEL, APPOINTMENT_MOVE,
                               AUTHORISE, MY_AUTHORISATIONS, AUTHORISATION_WITHDRAW, PROXY)

# The home screen's last tile: calls a person at once, even with the network down.
HELP_TILE = Tile("找人帮忙", "help", "#8E1B14")
HELP_PAYLOAD = "/help_volunteer"

# What a resident may say in the middle of any form without losing it: answered, then the
# form asks its question again. `cancel` ends the form instead.
RESUMING = {
    "card_placed": "action_use_card",
    "out_of_scope": "utter_not_in_this_errand",
    "help_volunteer": "utter_help_coming",
    "repeat": "action_repeat_last",
    "go_back": "action_go_back",
    "speak_slower": "utter_speak_slower",
    "speak_louder": "utter_speak_louder",
    "enlarge_text": "utter_enlarge_text",
}
CONVERSATION_INTENTS = ("cancel", "goodbye", *RESUMING)


def by_id(errand_id: str) -> Errand:
    return _BY_ID[errand_id]


def by_payload(payload: str) -> Optional[Errand]:
    return _BY_PAYLOAD.get(payload)


def forms() -> List[Form]:
    """Every form, the identity form first."""
    return [IDENTITY_FORM] + [errand.form for errand in ERRANDS if errand.form is not None]


def form_named(name: str) -> Optional[Form]:
    return next((form for form in forms() if form.name == name), None)


def tiles() -> List[Tuple[str, Tile, str]]:
    """The home screen: (id, tile, payload) for each errand with a tile, then 找人帮忙."""
    return [(errand.id, errand.tile, errand.payload) for errand in ERRANDS if errand.tile] + [
        ("help", HELP_TILE, HELP_PAYLOAD)]


def not_answers(form: Optional[Form] = None) -> List[str]:
    """Intents that are never the answer to a free-text question (a name, a description,
    a place) of `form`: the resident asked for something else. The form's own errand is an
    answer: a description that sounds like a 12345 report is the report."""
    own = {errand.intent for errand in ERRANDS if form is not None and errand.form == form}
    return [*CONVERSATION_INTENTS, *(errand.intent for errand in ERRANDS if errand.intent not in own)]


def errand_name(errand_id: str) -> str:
    """What volunteers and staff read for an errand id (the id itself when unknown)."""
    errand = _BY_ID.get(errand_id)
    return errand.name if errand else errand_id


def step_name(slot: str, errand_id: str = "") -> str:
    """这一步 for volunteers: the step's Chinese name, looked up in the errand's form first."""
    errand = _BY_ID.get(errand_id)
    for form in ([errand.form] if errand and errand.form else []) + forms():
        name = form.step_name(slot)
        if name:
            return name
    return slot


_BY_ID: Dict[str, Errand] = {errand.id: errand for errand in ERRANDS}
_BY_PAYLOAD: Dict[str, Errand] = {errand.payload: errand for errand in ERRANDS}
