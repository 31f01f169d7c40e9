"""The small vocabulary of `custom` JSON that Rasa replies carry to the kiosk.

Text cannot say "show the keypad" or "show this amount very large", so replies add a
`{"kiosk": {...}}` object. Actions build it with `directive`; the kiosk reads it back with
the same names, so the two sides cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Dict

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
IDENTITY_CHECK = "identity_check"  # a staff identity check to ask the centre console for (its id)
CARD_ON_READER = "card_on_reader"  # "ask": invite the resident to place their ID card

# What the kiosk sends, never said by a resident.
CARD_PLACED = "/card_placed"  # an ID card was read and checked (nlu/actions/card.py)
END_VISIT = "/end_visit"  # the visit ended: forget what was kept for it

FIELDS = {INPUT, SCREEN, RESULT, HELP_REQUESTED, END_SESSION, SPEECH, TEXT_SIZE, PRINTABLE, FINISHED, FALLBACK,
          STEP, IDENTITY_CHECK, CARD_ON_READER}


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
