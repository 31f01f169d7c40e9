"""A tiny HTTP server on loopback that answers whatever a test tells it to.

Only for answers that must be malformed on purpose; everything else runs against the
real sandbox."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Tuple

from tests.stack import free_port


class FakePortal:
    def __init__(self) -> None:
        self.answer: Tuple[int, Dict[str, str], bytes] = (200, {}, b"{}")
        self.requests = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                fake.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                status, headers, body = fake.answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _reply  # noqa: N815

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, status: int, body, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else str(body).encode("utf-8")
        self.answer = (status, {"Content-Type": content_type}, data)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
