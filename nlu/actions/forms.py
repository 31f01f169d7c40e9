"""What every form's validation shares: counting failed answers and offering a way out.

An older resident who gives the same question a wrong answer twice should not be asked a
third time in the same words: the second failure explains what is needed and offers a
person (the limit comes from config). The counts live in one slot and are cleared when the
slot is answered.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, List, Optional, Sequence, TypeVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import idnumber
from common.masking import mask_id_number
from config import get_settings
from nlu.actions.portal_errors import sentence_for
from nlu.actions.vault import vault
from portal.errors import PortalError

HELP_BUTTON = {"title": "找人帮忙", "payload": "/help_volunteer"}
NONE = "none"  # a choice's slot when there is nothing to choose: the form ends and says so
Item = TypeVar("Item")


@dataclass(frozen=True)
class Choice(Generic[Item]):
    """One of a list the portal gives (a booked appointment, an authorisation) to be chosen:
    how to fetch it, to find the one a tap or the words name, and to ask again."""

    listed: Callable[[Tracker], Sequence[Item]]
    matching: Callable[[str, Sequence[Item]], Optional[Item]]
    key: Callable[[Item], str]
    buttons: Callable[[Sequence[Item]], List[Dict[str, str]]]
    first_time: str
    explanation: str


def failure_limit() -> int:
    return get_settings().dialogue.max_failed_answers


class ElderFormValidation(FormValidationAction):
    """Subclasses call `failed` when an answer cannot be used and `answered` when it can."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so rasa_sdk registers only the concrete forms' validators."""

    @staticmethod
    def _counts(tracker: Tracker) -> Dict[str, int]:
        return dict(tracker.get_slot("failed_answers") or {})

    def failed(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker,
               first_time: str, explanation: str, **message: Any) -> Dict[str, Any]:
        """Say why the answer did not work; from the limit on, explain and offer a person."""
        counts = self._counts(tracker)
        counts[slot] = counts.get(slot, 0) + 1
        if counts[slot] >= failure_limit():
            buttons = list(message.pop("buttons", [])) + [HELP_BUTTON]
            dispatcher.utter_message(text=explanation, buttons=buttons, **message)
        else:
            dispatcher.utter_message(text=first_time, **message)
        return {slot: None, "failed_answers": counts}

    def answered(self, slot: str, value: Any, tracker: Tracker, **more: Any) -> Dict[str, Any]:
        counts = self._counts(tracker)
        counts.pop(slot, None)
        return {slot: value, "failed_answers": counts, **more}

    def chosen(self, slot: str, choice: Choice, value: Any, dispatcher: CollectingDispatcher,
               tracker: Tracker) -> Dict[str, Any]:
        """The item tapped or named; NONE with nothing listed; asked again when none matches,
        or when the portal cannot be asked (said why)."""
        if value == NONE:
            return {slot: NONE}
        try:
            items = choice.listed(tracker)
        except PortalError as error:
            dispatcher.utter_message(text=sentence_for(error))
            return {slot: None}
        if not items:
            return {slot: NONE}
        found = choice.matching(str(value or ""), items)
        if found is None:
            return self.failed(slot, dispatcher, tracker, first_time=choice.first_time,
                               explanation=choice.explanation, buttons=choice.buttons(items))
        return self.answered(slot, choice.key(found), tracker)


def free_text_answer(slot: str, value: Any, tracker: Tracker) -> str:
    """A free-text answer as the resident gave it: the words said, whole, or for a tapped answer
    (whose text is its payload, /inform{...}) the words on the button, carried as the entity."""
    said = str(value or "").strip()
    if said.startswith("/"):
        said = str(next(tracker.get_latest_entity_values(slot), None) or "").strip()
    return said


def yes_or_no(slot: str, value: Any) -> Dict[str, Any]:
    """A plain 是的 / 不 question's answer: True or False as tapped or said; anything else is
    no answer and the question is asked again."""
    return {slot: value if isinstance(value, bool) else None}


class KeypadPhoneForm(ElderFormValidation):
    """A form that asks for a phone number on the keypad (a family member's, say)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[str, Any]]:
        """The keypad's number also fills `phone_number` (the hotline's slot, mapped from the same
        entity in every turn): it must not stay in the conversation in full."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if "phone_number" in tracker.slots_to_validate():
            events.append(SlotSet("phone_number", None))
        return events


class KeypadIdNumberForm(ElderFormValidation):
    """A form that asks for someone else's identity number on the keypad (a relative's, a payee's)."""

    @staticmethod
    def typed_number(value: Any) -> Optional[str]:
        """The canonical number typed, or None when it is no valid identity number."""
        number = idnumber.normalise(str(value or ""))
        return number if idnumber.is_valid(number) else None

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[str, Any]]:
        """The keypad's number also fills `id_number` (the resident's own, mapped from the same
        entity in every turn): it goes back to the resident's masked number."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if "id_number" in tracker.slots_to_validate():
            own = vault().get(tracker.sender_id, "id_number")
            events.append(SlotSet("id_number", mask_id_number(own) if own else None))
        return events


class ConfirmedForm(ElderFormValidation):
    """A form that reads everything back and asks 对吗？ before anything is submitted.

    不对 makes the form ask which answer to change (`change_field`, with one button per
    answer); the chosen answer is cleared, asked again, and everything is read back again.
    """

    confirm_slot: str = ""
    # answer -> button title, in the order the buttons appear
    changeable: Dict[str, str] = {}
    # answers that must be asked again when another one changes (a new day needs a new time)
    also_cleared: Dict[str, tuple] = {}

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        """change_field is asked only after 不对."""
        slots = [slot for slot in domain_slots if slot != "change_field"]
        if tracker.get_slot("change_requested") and self.confirm_slot in slots:
            slots.insert(slots.index(self.confirm_slot), "change_field")
        return slots

    def confirmation(self, value: Any) -> Dict[str, Any]:
        if value is True:
            return {self.confirm_slot: True}
        return {self.confirm_slot: None, "change_requested": True}

    def change_buttons(self) -> list:
        return [{"title": title, "payload": f'/inform{{"change_field": "{field}"}}'}
                for field, title in self.changeable.items()]

    def validate_change_field(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: Dict[str, Any]) -> Dict[str, Any]:
        if value not in self.changeable:
            return self.failed("change_field", dispatcher, tracker, first_time="请点一下要改的那一项。",
                               explanation="请点一下要改的那一项。都对的话，请点“首页”重新开始。",
                               buttons=self.change_buttons())
        cleared = {slot: None for slot in (value, *self.also_cleared.get(value, ()))}
        return {"change_field": None, "change_requested": None, **cleared}


class ActionAskChangeField(Action):
    """After 不对: one button per answer the active form can change."""

    waits = False  # no portal call: runs on the event loop (nlu/actions/turns.py)

    def name(self) -> str:
        return "action_ask_change_field"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> list:
        form = tracker.active_loop.get("name")
        validators = [cls for cls in _concrete(ConfirmedForm) if cls().name() == f"validate_{form}"]
        buttons = validators[0]().change_buttons() if validators else []
        dispatcher.utter_message(text="好的。您要改哪一项？请点一下。", buttons=buttons)
        return []


def _concrete(base: type) -> list:
    found = []
    for cls in base.__subclasses__():
        found += [cls] if not getattr(cls, "__abstractmethods__", None) else []
        found += _concrete(cls)
    return found
