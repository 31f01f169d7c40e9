"""The small vocabulary of `custom` JSON that Rasa replies carry to the kiosk.

Text cannot say "show the keypad" or "show this amount very large", so replies add a
`{"kiosk": {...}}` object. Actions build it with `directive`; the kiosk reads it back with
the same names, so the two sides cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

KEY = "kiosk"
PRACTICE_PREFIX = "practice-"  # conversations of a guided lesson (served from the sandbox)

# What the kiosk should collect next (also picks the speech recogniser's mode).
INPUT = "input"
INPUT_ID_NUMBER = "id_number"
INPUT_PHONE = "phone"
INPUT_CASE_NUMBER = "case_number"
INPUT_CHOICE = "choice"
INPUT_YES_NO = "yes_no"
INPUT_FREE_SPEECH = "free_speech"
INPUT_SMS_CODE = "sms_code"  # the one-time code the portal sent by SMS
INPUTS = {INPUT_ID_NUMBER, INPUT_PHONE, INPUT_CASE_NUMBER, INPUT_CHOICE, INPUT_YES_NO,
          INPUT_FREE_SPEECH, INPUT_SMS_CODE}

SCREEN = "screen"  # "home" returns to the service tiles
RESULT = "result"  # {"title": str, "value": str, "note": str}
HELP_REQUESTED = "help_requested"
END_SESSION = "end_session"
SPEECH = "speech"  # the resident asked: "slower" | "faster" | "louder" | "softer"
SPEECH_CHANGES = {"slower", "faster", "louder", "softer"}
TEXT_SIZE = "text_size"  # "bigger"
PRINTABLE = "printable"  # the result may be printed as a receipt
FINISHED = "finished"  # the errand that just ended well (anonymous usage figures)
FALLBACK = "fallback"  # the resident was not understood (anonymous usage figures)
STEP = "step"  # the form's question being asked (the volunteer's view: 这一步)
IDENTITY_CHECK = "identity_check"  # a staff task to ask the centre console for: see staff_task below
CARD_ON_READER = "card_on_reader"  # "ask": invite the resident to place their ID card
FACE_CHECK = "face_check"  # "start": the camera screen and the face check (the pension certification)
# A payment order to show as a QR code, and to follow until paid: {"order_id", "pay_url",
# "amount" (shown, "400.00 元"), "payee", "whose" (masked name), "items": [str], "expires_in",
# "practice": bool}. The kiosk's payment desk (kiosk/payment_desk.py) watches it.
PAYMENT = "payment"
ACTING_FOR = "acting_for"  # the masked name of the elder a relative is acting for ("" when done)

# The certification's own screen: its result with what the resident can do next (SCREEN).
CERTIFICATION_SCREEN = "certification"

# What the kiosk sends, never said by a resident.
CARD_PLACED = "/card_placed"  # an ID card was read and checked (nlu/actions/card.py)
END_VISIT = "/end_visit"  # the visit ended: forget what was kept for it
PAYMENT_UPDATE = "/payment_update"  # the order being followed was paid, expired or cancelled (or: 我付好了)
FACE_CHECKED = "/face_checked"  # the face check ended: with {"face_outcome": one of FACE_OUTCOMES}
STAFF_CERTIFIED = "/staff_certified"  # the console says staff decided the certification request
STAFF_WAIT_OVER = "/staff_wait_over"  # nobody came for the certification within kiosk.staff_wait_seconds
# The centre console's event to the kiosk: staff decided {"request_id"} (kiosk/staff_wait.py).
CERTIFICATION_DECIDED = "certification_decided"
# "checked": the frames went to the portal (its verdict waits in the action server's vault);
# the rest happened on the kiosk and sent nothing.
FACE_OUTCOMES = ("checked", "not_live", "not_in_place", "camera_unavailable", "unavailable")

FIELDS = {INPUT, SCREEN, RESULT, HELP_REQUESTED, END_SESSION, SPEECH, TEXT_SIZE, PRINTABLE, FINISHED, FALLBACK,
          STEP, IDENTITY_CHECK, CARD_ON_READER, FACE_CHECK, PAYMENT, ACTING_FOR}

# A staff task the resident waits for at the kiosk, carried as IDENTITY_CHECK's value and passed
# on as it is to the centre console with the help request: the portal's id of an identity check
# (a bare id, as before), or "<kind>:<id>" for other kinds (staff certifying in person).
CERTIFICATION_TASK = "certification"
TASK_KINDS = ("identity", CERTIFICATION_TASK)


def staff_task(kind: str, task_id: str) -> str:
    """The reference of a staff task: "<id>" for an identity check, "<kind>:<id>" otherwise."""
    if kind not in TASK_KINDS or not task_id or ":" in task_id:
        raise ValueError(f"not a staff task: {kind!r} {task_id!r}")
    return task_id if kind == "identity" else f"{kind}:{task_id}"


def task_of(reference: str) -> Tuple[str, str]:
    """(kind, id) of a staff task reference; ("", "") for one of no known kind."""
    kind, _, task_id = str(reference or "").rpartition(":")
    kind = kind or "identity"
    return (kind, task_id) if kind in TASK_KINDS and task_id else ("", "")


def directive(**fields: Any) -> Dict[str, Any]:
    """The `json_message` an action passes to `dispatcher.utter_message`."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"unknown kiosk directive fields: {sorted(unknown)}")
    if INPUT in fields and fields[INPUT] not in INPUTS:
        raise ValueError(f"unknown kiosk input {fields[INPUT]!r}")
    if SPEECH in fields and fields[SPEECH] not in SPEECH_CHANGES:
        raise ValueError(f"unknown speech change {fields[SPEECH]!r}")
    return {KEY: fields}
