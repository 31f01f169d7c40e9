"""The QR code of a payment order, shown big, and followed until it is paid, expires or is cancelled.

The dialogue sends the order in the PAYMENT directive (nlu/actions/payments.py). The kiosk
draws its link as a QR code (segno), shows it with the amount, the payee and whose dues on
the payment screen (kiosk/screens/payment.py), and asks the action server every few seconds
whether the order is still waiting (nlu/actions/payment_route.py; with the card key, as the
card reader does). Once it is not, the dialogue hears /payment_update and says what happened.
A resident can always tap 我付好了 instead; a kiosk that cannot ask just waits for that tap.
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Any, Callable, Mapping, Optional

import requests
from kivy.event import EventDispatcher
from kivy.properties import ListProperty, ObjectProperty, StringProperty

from common.kiosk_protocol import PAYMENT, PAYMENT_UPDATE
from kiosk.lesson_runner import Cancellable, Scheduler

logger = logging.getLogger(__name__)

POLL_SECONDS = 3.0
GIVE_UP_AFTER = 10  # unanswered asks in a row (a fleet gate without the route, a server down)
CLOSED = ("paid", "expired", "cancelled")
SHOWN_AS = "（看一下付款结果）"


def qr_png(link: str, scale: int = 12) -> bytes:
    """The link as a QR code PNG: error correction M, a quiet zone of 4 modules (scanners need it)."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_texture(link: str):
    """A Kivy texture of the QR code, kept sharp when drawn larger (no smoothing between modules)."""
    from kivy.core.image import Image as CoreImage

    texture = CoreImage(io.BytesIO(qr_png(link)), ext="png").texture
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture


class PaymentView(EventDispatcher):
    """What the payment screen shows (kv binds to these)."""

    qr = ObjectProperty(None, allownone=True)
    amount = StringProperty("")
    payee = StringProperty("")
    whose = StringProperty("")
    items = ListProperty([])
    order_id = StringProperty("")


class PaymentWatch:
    """The action server's order status, through the card checker's session (kiosk/card_check.py)."""

    def __init__(self, checker: Any) -> None:
        self.url = checker.url.rsplit("/identity/card", 1)[0] + "/payment/status"
        self.http, self.timeout, self.verify = checker.http, checker.timeout, checker.verify

    def status(self, conversation: str, order_id: str) -> str:
        try:
            answer = self.http.post(self.url, json={"conversation": conversation, "order_id": order_id},
                                    timeout=(2.0, self.timeout), verify=self.verify)
            answer.raise_for_status()
            return str(answer.json().get("status") or "unavailable")
        except (requests.RequestException, ValueError) as error:
            logger.warning("payment status not asked: %s", type(error).__name__)
            return "unavailable"


class PaymentDesk:
    def __init__(self, kiosk: Any, session: Any, checker: Optional[Any], schedule: Scheduler,
                 deliver: Callable[[Callable[[], None]], None]) -> None:
        self.kiosk = kiosk  # kiosk.controller.KioskController: show, say_payload
        self.session = session
        self.watch = PaymentWatch(checker) if checker is not None else None
        self.schedule = schedule
        self.deliver = deliver  # back onto the UI thread
        self.view = PaymentView()
        self._poll: Optional[Cancellable] = None
        self._unanswered = 0

    def saw(self, reply: Any) -> None:
        """Every reply, after the controller showed it: an order goes on the payment screen."""
        order: Optional[Mapping[str, Any]] = reply.directives.get(PAYMENT)
        self._stop()
        if not isinstance(order, Mapping) or not order.get("pay_url"):
            self.view.order_id = ""
            return
        view = self.view
        view.qr = qr_texture(str(order["pay_url"]))
        view.amount, view.payee = str(order.get("amount") or ""), str(order.get("payee") or "")
        view.whose, view.items = str(order.get("whose") or ""), [str(i) for i in order.get("items") or []]
        view.order_id = str(order.get("order_id") or "")
        self._unanswered = 0
        self.kiosk.show("payment")
        if self.watch is not None and view.order_id:
            self._follow(self.session.dialogue.sender_id, view.order_id)

    def _follow(self, conversation: str, order_id: str) -> None:
        self._poll = self.schedule(POLL_SECONDS, lambda: threading.Thread(
            target=self._ask, args=(conversation, order_id), name="payment-status", daemon=True).start())

    def _ask(self, conversation: str, order_id: str) -> None:
        """On its own thread: the portal may be slow; the window never waits for it."""
        status = self.watch.status(conversation, order_id)
        self.deliver(lambda: self._answered(conversation, order_id, status))

    def _answered(self, conversation: str, order_id: str, status: str) -> None:
        if conversation != self.session.dialogue.sender_id or order_id != self.view.order_id:
            return  # the visit ended, or another order is shown now
        self._unanswered = self._unanswered + 1 if status == "unavailable" else 0
        if status in CLOSED:
            self.view.order_id = ""
            self.kiosk.say_payload(PAYMENT_UPDATE, SHOWN_AS)
        elif status != "unknown" and self._unanswered < GIVE_UP_AFTER:
            self._follow(conversation, order_id)  # else: 我付好了 still tells the dialogue

    def _stop(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None
