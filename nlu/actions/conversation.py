"""Conversation helpers every errand shares: say it again, go back a step."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# In a form, going back from a slot clears the slot asked before it.
PREVIOUS_SLOT = {"person_name": ["id_number", "person_name", "identity_challenge"]}


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


class ActionRepeatLast(Action):
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
    def name(self) -> str:
        return "action_go_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        if not tracker.active_loop.get("name"):
            dispatcher.utter_message(response="utter_nothing_to_go_back_to")
            return []
        slots = PREVIOUS_SLOT.get(tracker.get_slot("requested_slot") or "", [])
        if not slots:
            dispatcher.utter_message(text="这已经是第一步了。不想办了，请点“首页”。")
            return []
        dispatcher.utter_message(text="好的，回到上一步。")
        return [SlotSet(slot, None) for slot in slots]
