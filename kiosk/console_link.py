"""The kiosk's line to the centre console, on its own thread.

Sends help requests from the local queue (kept until the console has them), the kiosk's
state (consent to type, lesson step) and anonymous usage events; and brings back what the
console has for this kiosk (a volunteer claimed the request, asks to type, typed words, a
lesson to start). The console being away changes nothing for the resident: everything
waits and goes out later.

The key is this kiosk's own (`python main.py add-kiosk KIOSK_ID` on the centre's side); it
opens only this kiosk's routes. A console over HTTPS with its own CA is checked against
`ca_certificate`. Anything the console refuses as malformed (400) is dropped with an error in
the log, so it cannot hold up everything behind it.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any, Callable, Dict, List, Optional, Union

import requests

from common.background import BackgroundLoop
from kiosk.help_queue import HelpQueue

logger = logging.getLogger(__name__)

MAX_USAGE_KEPT = 2000


class ConsoleLink:
    def __init__(self, base_url: str, key: str, kiosk_id: str, help_queue: HelpQueue,
                 on_event: Callable[[Dict[str, Any]], None], poll_seconds: float = 2.0,
                 ca_certificate: Optional[str] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.help_queue = help_queue
        self.on_event = on_event
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"
        # Given with every call: a session-wide setting loses to REQUESTS_CA_BUNDLE in the environment.
        self.verify: Union[str, bool] = ca_certificate or True
        self._refused_logged = False
        self._usage: List[Dict[str, Any]] = []
        self._status: Dict[str, Any] = {}
        self._status_dirty = False
        self._lock = threading.Lock()
        self._loop = BackgroundLoop("console-link", self._exchange_quietly, poll_seconds)

    # -- what the kiosk reports ---------------------------------------------------------

    def wake(self) -> None:
        self._loop.wake()

    def record(self, kind: str, errand: str = "", step: str = "", turns: int = 0) -> None:
        """An anonymous usage event: no names, numbers or words, only what happened."""
        with self._lock:
            self._usage.append({"day": date.today().isoformat(), "kind": kind, "errand": errand, "step": step,
                                "turns": turns})
            del self._usage[:-MAX_USAGE_KEPT]

    def report(self, **status: Any) -> None:
        with self._lock:
            self._status.update(status)
            self._status_dirty = True
        self._loop.wake()

    # -- the thread ---------------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop(timeout=5)

    def _url(self, what: str) -> str:
        return f"{self.base_url}/api/kiosks/{self.kiosk_id}/{what}"

    def _post(self, what: str, body: Dict[str, Any]) -> None:
        """Send one thing; raise when the console is away. A 400 means the console will never
        take it (the log says so): it is dropped rather than block everything behind it."""
        answer = self.http.post(self._url(what), json=body, timeout=5, verify=self.verify)
        if answer.status_code == 400:
            logger.error("the centre console refused this kiosk's %s as malformed: dropped", what)
            return
        answer.raise_for_status()

    def exchange_once(self) -> None:
        """One round: send what waits, fetch what the console has. Raises when it is away."""
        for request in self.help_queue.open_requests():
            body = {"errand": request.errand, "step": request.step, "transcript": request.transcript}
            if request.identity_check:
                body["identity_check"] = request.identity_check
            self._post("help", body)
            self.help_queue.mark_sent(request.id)
        with self._lock:
            status, dirty = dict(self._status), self._status_dirty
            usage, self._usage = self._usage, []
        try:
            if dirty:
                self._post("status", status)
                with self._lock:
                    self._status_dirty = self._status != status
            if usage:
                self._post("usage", {"events": usage})
                usage = []
        finally:
            if usage:  # not delivered: keep it for the next round
                with self._lock:
                    self._usage = usage + self._usage
        answer = self.http.get(self._url("events"), timeout=5, verify=self.verify)
        answer.raise_for_status()
        for event in answer.json().get("events", []):
            self.on_event(event)

    def _exchange_quietly(self) -> None:
        try:
            self.exchange_once()
            self._refused_logged = False
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if status == 401 and not self._refused_logged:
                self._refused_logged = True  # once, not every two seconds
                logger.warning("the centre console does not accept this kiosk's key (%s): the centre runs "
                               "`main.py add-kiosk %s` and puts the new key in this kiosk's environment",
                               status, self.kiosk_id)
            elif status != 401:
                logger.info("centre console answered %s", status)
        except (requests.RequestException, ValueError) as error:
            logger.info("centre console not reachable now: %s", type(error).__name__)
