"""The payment screen in the real window: a real sandbox order, shown as the dialogue sends it
(nlu/actions/payments.py), its QR code decoded from the screenshot (it must be the order's
link), measured against ACCESSIBILITY.md at every text step; then paid the way a phone pays
it, and the kiosk notices by itself (its payment desk asks the action server)."""

from __future__ import annotations

import uuid

import cv2
import pytest
import requests
from rasa_sdk.executor import CollectingDispatcher

from kiosk import theme
from kiosk.dialogue_client import parse_reply
from kiosk.widgets.buttons import ChoiceButton
from tests.kiosk import a11y
from tests.portal.conftest import Raw

pytestmark = pytest.mark.ui


def order_for_this_kiosk(stack, kiosk_id: str, dues: int = 1):
    """A real order at the sandbox for `dues` open dues of one resident, made on this kiosk
    (only it can follow the order)."""
    raw = Raw(stack)
    rows = raw.sql("SELECT d.id_number, GROUP_CONCAT(d.due_id) FROM contribution_dues d WHERE d.paid_on='' AND NOT "
                   "EXISTS (SELECT 1 FROM payment_order_dues o WHERE o.due_id=d.due_id) GROUP BY d.id_number "
                   "HAVING COUNT(*)>=? ORDER BY d.id_number DESC LIMIT 1", dues)
    number, due_ids = rows[0]
    client = stack.portal()
    client.send_sms_code(number, kiosk_id)
    code = next(m.code for m in client.sandbox_sms(id_number=number) if m.code)
    token = client.verify_sms_code(number, code, kiosk_id).token
    return client.create_order(due_ids.split(",")[:dues], uuid.uuid4().hex, kiosk_id, token=token)


def decoded(path) -> str:
    """What a phone's scanner reads from the screenshot (OpenCV's ArUco-based QR detector, the
    sturdier of its two, as phone scanners are)."""
    text, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(cv2.imread(str(path)))
    return text


def press(url: str) -> str:
    base, _, query = url.partition("?")
    return requests.post(base, data={"t": dict(p.split("=", 1) for p in query.split("&"))["t"], "via": "qr"},
                         timeout=10).text


def show(ui, order) -> None:
    from nlu.actions.payments import show_order

    dispatcher = CollectingDispatcher()
    show_order(dispatcher, order)
    ui.app.controller.on_reply(parse_reply(dispatcher.messages))


@pytest.mark.parametrize("step, dues", [(0, 1), (1, 1), (2, 1), (0, 2), (2, 2)])
def test_the_qr_code_scans_to_the_order_and_the_screen_is_readable(ui, stack, output_dir, step, dues):
    ui.app.state.scale_index = step
    ui.app.state.font_scale = ui.app.settings.kiosk.text_scales[step]
    order = order_for_this_kiosk(stack, ui.app.settings.kiosk.kiosk_id, dues)
    show(ui, order)
    assert ui.current() == "payment" and len(order.items) == dues
    shot = ui.screenshot(output_dir / f"payment-step{step}-dues{dues}.png")
    assert decoded(shot) == order.pay_url
    root, scale = ui.app.root, ui.app.state.font_scale
    problems = (a11y.check_text_sizes(root, scale, [("amount", theme.FLOOR_RESULT)]) + a11y.check_not_cut_off(root)
                + a11y.check_targets(root) + a11y.check_contrast(root, shot) + a11y.check_overlaps(root)
                + a11y.check_line_spacing(root))
    assert not problems, "\n".join(problems)
    assert ui.find_button(ChoiceButton, "我付好了") is not None and ui.find_button(ChoiceButton, "不交了") is not None


def test_paid_by_phone_the_kiosk_notices_by_itself(ui, stack):
    order = order_for_this_kiosk(stack, ui.app.settings.kiosk.kiosk_id)
    show(ui, order)
    desk = ui.app.controller.payment
    assert desk.view.order_id == order.order_id
    assert "付款成功" in press(order.pay_url)
    ui.wait_until(lambda: desk.view.order_id == "", timeout=30, what="the payment desk to see the order paid")
    assert Raw(stack).sql("SELECT status FROM payment_orders WHERE order_id=?", order.order_id)[0][0] == "paid"
