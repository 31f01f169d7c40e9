"""Payment: the order's QR code big on the left (a phone scans it from a step away), the
amount very large, to whom and for what beside it, and the reply's choices (我付好了, 不交了)
as big tiles. What it shows comes from kiosk/payment_desk.py."""

from __future__ import annotations

from kiosk.screens.choice_row import ChoiceRowScreen


class PaymentScreen(ChoiceRowScreen):
    most = 3
