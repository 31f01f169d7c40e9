"""Every turn the dialogue answers has something to show and say.

Rasa answers a turn with whatever its actions uttered. When a custom action fails (the action
server restarting, a bug) Rasa logs the exception and carries on with the action's events
lost, and when the policies go straight back to listening nothing is uttered at all: the kiosk
then gets an empty list, and a resident an unchanged, silent screen. This guard runs after
Rasa's prediction loop for each message: if the turn uttered nothing, it utters one plain
sentence with a way on (找人帮忙), recorded in the conversation like any other. The kiosk has
the same guard on its side (kiosk/session.py) for replies that never arrive.

Messages the kiosk sends for itself and whose reply it does not show (the end of a visit)
are left alone. Runs inside Rasa's process (`nlu/rasa_main.py` installs it for `rasa run`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List

from common.kiosk_protocol import END_VISIT, KEY, RESULT
from common.text import NOTHING_DONE as TEXT

logger = logging.getLogger(__name__)

BUTTONS = [{"title": "找人帮忙", "payload": "/help_volunteer"}]
SILENT_MESSAGES = (END_VISIT,)  # the kiosk's own messages whose reply it does not show


def install() -> None:
    """Wrap the prediction loop of Rasa's message processor (once)."""
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor._run_prediction_loop
    if getattr(original, "reply_guard", False):
        return

    @functools.wraps(original)
    async def guarded(self: Any, output_channel: Any, tracker: Any, *args: Any, **kwargs: Any) -> Any:
        result = await original(self, output_channel, tracker, *args, **kwargs)
        await answer_if_silent(output_channel, tracker)
        return result

    guarded.reply_guard = True  # type: ignore[attr-defined]
    MessageProcessor._run_prediction_loop = guarded


def shows_something(messages: List[Dict[str, Any]]) -> bool:
    """Words or a result card, as the kiosk counts it (kiosk/session.py): a turn that sent only
    directives (a step name, an input kind: an action failed after its first message) leaves
    the resident with nothing to read or hear."""
    for message in messages:
        if str(message.get("text") or "").strip():
            return True
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(KEY), dict) and custom[KEY].get(RESULT):
            return True
    return False


async def answer_if_silent(output_channel: Any, tracker: Any) -> bool:
    """Utter the sentence when this turn showed nothing; True when it did."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.events import BotUttered

    if not isinstance(output_channel, CollectingOutputChannel) or shows_something(output_channel.messages):
        return False
    said = (tracker.latest_message.text or "") if tracker.latest_message else ""
    if said.strip() in SILENT_MESSAGES:
        return False
    logger.warning("a turn uttered nothing: answered with the way-on sentence")
    tracker.update(BotUttered(TEXT, {"buttons": BUTTONS}))
    await output_channel.send_text_with_buttons(tracker.sender_id, TEXT, BUTTONS)
    return True
