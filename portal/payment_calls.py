"""The portal client's payment calls (part of `portal.client.PortalClient`, kept in their own
module so neither passes 300 lines): dues, lookups by number, orders, links by SMS.

Retries follow the transport's rule: reads, idempotent calls and calls with an
Idempotency-Key are retried; a lookup and a link by SMS count towards the portal's limits
and are not.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from portal.errors import PortalRefused
from portal.payment_models import Dues, LinkSent, Lookup, Order
from portal.transport import PortalTransport, path_segment, typed


class PaymentCalls(PortalTransport):
    def dues(self, token: str, member_id: Optional[str] = None, kiosk_id: Optional[str] = None) -> Dues:
        """The resident's own dues (a proxy token: the elder's), or a household member's."""
        params = {"member_id": member_id} if member_id else None
        return typed(Dues, self._request("GET", "/v1/payments/dues", retry_safe=True, params=params, token=token,
                                         kiosk_id=kiosk_id))

    def look_up_payer(self, id_number: str, kiosk_id: str) -> Lookup:
        """Someone to pay for, by number: the masked name only. Not retried (limited per number
        and kiosk); an unknown number is PortalNotFound (not_found)."""
        answer = self._request("POST", "/v1/payments/lookups", retry_safe=False, json={"id_number": id_number},
                               kiosk_id=kiosk_id)
        return typed(Lookup, answer)

    def looked_up_dues(self, lookup_id: str, kiosk_id: str) -> Dues:
        """The open dues of the person looked up, once the payer confirmed the masked name."""
        path = f"/v1/payments/lookups/{path_segment(lookup_id, 'lookup_not_found')}/dues"
        return typed(Dues, self._request("GET", path, retry_safe=True, kiosk_id=kiosk_id))

    def create_order(self, due_ids: List[str], idempotency_key: str, kiosk_id: str, *, token: Optional[str] = None,
                     member_id: Optional[str] = None, lookup_id: Optional[str] = None) -> Order:
        """After the payer's explicit consent only (the request says so: `consent: true`).
        For: the token's resident (self), a household member, or a person looked up."""
        body: Dict[str, object] = {"due_ids": list(due_ids), "consent": True}
        if lookup_id:
            body.update({"for": "other", "lookup_id": lookup_id})
        elif member_id:
            body.update({"for": "member", "member_id": member_id})
        else:
            body["for"] = "self"
        answer = self._request("POST", "/v1/payments/orders", retry_safe=False, json=body, token=token,
                               idempotency_key=idempotency_key, kiosk_id=kiosk_id)
        return typed(Order, answer)

    def order(self, order_id: str, kiosk_id: str) -> Order:
        return typed(Order, self._request("GET", _order_path(order_id), retry_safe=True, kiosk_id=kiosk_id))

    def cancel_order(self, order_id: str, kiosk_id: str) -> Order:
        """Cancelling twice changes nothing, so it is retried; a paid order is PortalRefused."""
        return typed(Order, self._request("POST", _order_path(order_id, "/cancel"), retry_safe=True,
                                          kiosk_id=kiosk_id))

    def send_pay_link(self, order_id: str, phone: str, kiosk_id: str) -> LinkSent:
        """The payment link by SMS to a relative; not retried (each call sends a message)."""
        answer = self._request("POST", _order_path(order_id, "/pay-link"), retry_safe=False, json={"phone": phone},
                               kiosk_id=kiosk_id)
        return typed(LinkSent, answer)

    # -- the sandbox's pretend wallet (tests and practice mode only) --------------------

    def sandbox_pay(self, pay_url: str) -> str:
        """Press "确认付款" on the sandbox's payment page for this link; returns the page.
        Only a link of this portal is followed (the client's key goes with the request)."""
        if not pay_url.startswith(self.base_url + "/v1/_sandbox/pay/"):
            raise PortalRefused("not this sandbox's payment page", "not_a_sandbox_link")
        path, _, query = pay_url[len(self.base_url):].partition("?t=")
        response = self.session.post(self.base_url + path, data={"t": query.split("&")[0]}, timeout=self.timeout)
        response.raise_for_status()
        return response.text

    def sandbox_expire_order(self, order_id: str) -> None:
        """Let an order run out now (tests, lessons)."""
        self._request("POST", f"/v1/_sandbox/orders/{path_segment(order_id)}/expire", retry_safe=True)


def _order_path(order_id: str, tail: str = "") -> str:
    return f"/v1/payments/orders/{path_segment(order_id, 'order_not_found')}{tail}"
