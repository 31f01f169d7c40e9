"""A small real HTTP server with the action server's parked-submission routes.

A stand-in, and the only one in these tests: the action server's side of this contract is
being built at the same time as the console's page (issue 19), so the console is tested
against the contract itself (portal/outbox_routes.py's docstring), over real HTTP. Once the
real routes answer, test_parked.py's last test runs against them too.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

from tests.stack import free_port

PARKED = "/outbox/parked"
ACTION = re.compile(r"^/outbox/parked/([^/]+)/(retry|handled)$")


class FakeOutbox:
    def __init__(self, key: str) -> None:
        self.key = key
        self.port = free_port()
        self.parked: List[Dict[str, Any]] = []
        self.calls: List[tuple] = []
        self._server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeOutbox:
        outbox = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {outbox.key}":
                    self._answer(401, {"error": "missing or wrong key"})
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outbox.calls.append(("GET", self.path))
                if self.path != PARKED:
                    self._answer(404, {"error": "not found"})
                elif self._authorised():
                    self._answer(200, outbox.parked)

            def do_POST(self) -> None:  # noqa: N802
                outbox.calls.append(("POST", self.path))
                found = ACTION.match(self.path)
                if not found:
                    self._answer(404, {"error": "not found"})
                    return
                if not self._authorised():
                    return
                reference, action = found.groups()
                entry = next((e for e in outbox.parked if e["reference"] == reference), None)
                if entry is None:
                    self._answer(404, {"error": "no parked submission with this reference"})
                    return
                outbox.parked.remove(entry)
                if action == "retry":
                    self._answer(202, {"reference": reference, "status": "waiting"})
                else:
                    self._answer(200, {"reference": reference, "status": "handled"})

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, name="fake-outbox", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
