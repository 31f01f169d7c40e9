"""The portal client's family calls (part of `portal.client.PortalClient`, kept in their own
module so neither passes 300 lines): the household, authorisations (代办), proxy tokens and
the proxy log. Asking for an authorisation sends a code and confirming one counts wrong
codes, so neither is retried; the rest are reads or idempotent."""

from __future__ import annotations

from typing import List, Optional

from portal.family_models import (
    Authorisation,
    AuthorisationList,
    Members,
    PrincipalList,
    ProxyAction,
    ProxyLog,
    ProxyToken,
    Told,
)
from portal.transport import PortalTransport, path_segment, typed


class FamilyCalls(PortalTransport):
    def family_members(self, token: str, kiosk_id: Optional[str] = None) -> Members:
        return typed(Members, self._request("GET", "/v1/family/members", retry_safe=True, token=token,
                                            kiosk_id=kiosk_id))

    def authorise(self, token: str, agent_id_number: str, relationship: str, scopes: List[str], days: int,
                  kiosk_id: str) -> Authorisation:
        """Pending until the relative's code (sent to their phone now) is confirmed."""
        body = {"agent_id_number": agent_id_number, "relationship": relationship, "scopes": list(scopes),
                "days": days}
        return typed(Authorisation, self._request("POST", "/v1/family/authorisations", retry_safe=False, json=body,
                                                  token=token, kiosk_id=kiosk_id))

    def confirm_authorisation(self, token: str, authorisation_id: str, code: str, kiosk_id: str) -> Authorisation:
        """A wrong code is PortalRefused identity_mismatch with attempts_left; not retried."""
        answer = self._request("POST", _grant_path(authorisation_id, "/confirm"), retry_safe=False,
                               json={"code": code}, token=token, kiosk_id=kiosk_id)
        return typed(Authorisation, answer)

    def authorisations(self, token: str, kiosk_id: Optional[str] = None) -> List[Authorisation]:
        answer = self._request("GET", "/v1/family/authorisations", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return list(typed(AuthorisationList, answer).authorisations)

    def withdraw_authorisation(self, token: str, authorisation_id: str,
                               kiosk_id: Optional[str] = None) -> Authorisation:
        return typed(Authorisation, self._request("DELETE", _grant_path(authorisation_id), retry_safe=True,
                                                  token=token, kiosk_id=kiosk_id))

    def principals(self, token: str, kiosk_id: Optional[str] = None) -> List[Authorisation]:
        """The elders who authorised this relative."""
        answer = self._request("GET", "/v1/family/principals", retry_safe=True, token=token, kiosk_id=kiosk_id)
        return list(typed(PrincipalList, answer).principals)

    def proxy_token(self, token: str, authorisation_id: str, kiosk_id: str) -> ProxyToken:
        return typed(ProxyToken, self._request("POST", "/v1/family/proxy-tokens", retry_safe=False, token=token,
                                               json={"authorisation_id": authorisation_id}, kiosk_id=kiosk_id))

    def proxy_log(self, token: str, untold: bool = False, kiosk_id: Optional[str] = None) -> List[ProxyAction]:
        params = {"untold": "true"} if untold else None
        answer = self._request("GET", "/v1/family/proxy-log", retry_safe=True, params=params, token=token,
                               kiosk_id=kiosk_id)
        return list(typed(ProxyLog, answer).actions)

    def mark_told(self, token: str, ids: List[int], kiosk_id: Optional[str] = None) -> int:
        """Marking the same entries again is harmless, so it is retried."""
        answer = self._request("POST", "/v1/family/proxy-log/told", retry_safe=True, json={"ids": list(ids)},
                               token=token, kiosk_id=kiosk_id)
        return typed(Told, answer).told


def _grant_path(authorisation_id: str, tail: str = "") -> str:
    return f"/v1/family/authorisations/{path_segment(authorisation_id, 'authorisation_not_found')}{tail}"
