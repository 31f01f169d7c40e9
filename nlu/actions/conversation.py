"""Conversation helpers every errand shares: say it again, go back a step, not understood."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import errands
from common.kiosk_protocol import FALLBACK, directive
from common.menu import GREETING, MENU_BUTTONS
from config import get_settings
from nlu.actions.vault import vault

# Going back from these also clears what their answer started (a code sent, a staff check asked).
EXTRA_CLEARED = {"sms_code": ["identity_way"], "staff_check": ["identity_way", "staff_check_id"]}


def last_bot_turn(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The bot messages between the last two user messages (what was said before 'repeat')."""
    user_seen = 0
    turn: List[Dict[str, Any]] = []
    for event in reversed(events):
        if event.get("event") == "user":
            user_seen += 1
            if user_seen == 2:
                break
        elif event.get("event") == "bot" and user_seen == 1:
            turn.append(event)
    return list(reversed(turn))


def slots_to_clear(form: str, requested: str) -> List[str]:
    """Going back from a question clears it and the one asked before it (the registry's
    order of the form's questions)."""
    found = errands.form_named(form)
    steps = found.asked if found else []
    if requested not in steps or steps.index(requested) == 0:
        return []
    previous = steps[steps.index(requested) - 1]
    return [previous, requested] + EXTRA_CLEARED.get(requested, [])


class ActionRepeatLast(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_repeat_last"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        if tracker.active_loop.get("name"):
            return []  # the form runs next and asks its question again: that is the repeat
        turn = last_bot_turn(tracker.events)
        if not turn:
            dispatcher.utter_message(response="utter_greet")
        for event in turn:
            data = event.get("data") or {}
            dispatcher.utter_message(text=event.get("text"), buttons=data.get("buttons") or [],
                                     json_message=data.get("custom"))
        return []


class ActionGoBack(Action):
    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        form = tracker.active_loop.get("name")
        if not form:
            dispatcher.utter_message(response="utter_nothing_to_go_back_to")
            return []
        slots = slots_to_clear(form, tracker.get_slot("requested_slot") or "")
        if not slots:
            dispatcher.utter_message(text="这已经是第一步了。不想办了，请点“首页”。")
            return []
        dispatcher.utter_message(text="好的，回到上一步。")
        return [SlotSet(slot, None) for slot in slots]


def fallbacks_in_a_row(events: List[Dict[str, Any]]) -> int:
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


NOT_THIS_STEP = "对不起，这一步我不明白。"


class ActionFallback(Action):
    """Not understood: first, ask again with the big buttons; from the limit on, also offer
    a person (two failed understandings in a row, by default).

    Also what the dialogue answers when no rule or story knows what comes next (Rasa's core
    fallback, config.yml): then the sentence is understood but out of place, and it is taken
    back (UserUtteranceReverted) so the conversation stays where it was, instead of running
    into the same dead end again."""

    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        understood = (tracker.latest_message or {}).get("intent", {}).get("name") != "nlu_fallback"
        if understood:
            dispatcher.utter_message(text=NOT_THIS_STEP, json_message=directive(**{FALLBACK: True}))
            # The question again, without the apology said before it (twice out of place is one apology).
            asked_before = [event for event in last_bot_turn(tracker.events) if event.get("text") != NOT_THIS_STEP]
            for event in asked_before:  # the question the resident is still at, with its buttons
                data = event.get("data") or {}
                dispatcher.utter_message(text=event.get("text"), buttons=data.get("buttons") or [],
                                         json_message=data.get("custom"))
            if not asked_before:
                dispatcher.utter_message(text=GREETING, buttons=MENU_BUTTONS)
            return [UserUtteranceReverted()]
        if fallbacks_in_a_row(tracker.events) >= get_settings().dialogue.max_failed_answers:
            # The menu ends with 找人帮忙: now it is offered as well.
            dispatcher.utter_message(text="我还是没听明白，真对不起。请点下面的大按钮，或者点“找人帮忙”。",
                                     buttons=MENU_BUTTONS, json_message=directive(**{FALLBACK: True}))
        else:
            services = [button for button in MENU_BUTTONS if button["payload"] != "/help_volunteer"]
            dispatcher.utter_message(text="对不起，我没听明白。请您换个说法，或者点下面的按钮。", buttons=services,
                                     json_message=directive(**{FALLBACK: True}))
        return []


class ActionForgetVisit(Action):
    """The kiosk ends a visit (goodbye, 首页, the idle timeout): the full numbers kept for this
    conversation (nlu/actions/vault.py) go now, not when they expire. The kiosk then wipes the
    conversation itself."""

    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_forget_visit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        vault().forget(tracker.sender_id)
        return []
