"""Simulated kiosks driving whole errands against a dialogue service (a fleet's balancer).

Each kiosk runs errands back to back, the way a resident does them on the kiosk: a tapped
tile and the resident's ID card on the reader, or a 12345 report from description to
confirmation. The card goes where a fleet kiosk's reader sends it (kiosk/card_check.py):
through the balancer to the conversation gate, with the kiosk's own key, which passes it to
an action server for that kiosk's visit only. Cards, unlike SMS codes, have no limits but wrong cards: the load is not
capped by portal/sandbox/limits.py. Every reply is checked (the amount is the database's,
a report gets a case number), so a wrong or lost answer counts as an error, not a success.
Each simulated kiosk is a real fleet kiosk: its own key in a header, HTTPS checked against
the fleet's certificate, and its conversation forgotten through the conversation gate.
Loopback only; bounded by a number of kiosks and a duration.
"""

from __future__ import annotations

import asyncio
import json
import random
import ssl
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, List, Mapping, Optional

import aiohttp

from common.kiosk_protocol import CARD_PLACED
from kiosk.dialogue_client import Reply, parse_reply
from portal.sandbox.cards import demo_card

DEMO_ID = "360702195003121226"
DEMO_MASKED_NAME = "张*英"
PENSION_TEXT = "3,215.60"


def card_body(conversation: str) -> dict:
    """What kiosk/card_check.py posts for the demo resident's card (张桂英)."""
    card = demo_card(0)
    assert card.id_number == DEMO_ID
    return {"conversation": conversation, "id_number": card.id_number, "name": card.name,
            "valid_until": card.valid_until.isoformat() if card.valid_until else ""}


class ErrandFailed(RuntimeError):
    pass


@dataclass
class LoadResult:
    turn_seconds: List[float] = field(default_factory=list)
    errands: int = 0
    errors: List[str] = field(default_factory=list)
    case_numbers: List[str] = field(default_factory=list)
    finished_at: List[float] = field(default_factory=list)  # monotonic time each errand ended
    # Errands tapped again: a /card_placed in flight on a killed instance is replayed on another
    # after the first had already used it (the resident is verified, the errand was not
    # answered): the reply greets and shows the tiles, and the resident taps the errand again.
    asked_again: int = 0
    elapsed: float = 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.turn_seconds)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    def summary(self) -> dict:
        return {"errands": self.errands, "errands_per_second": self.errands / self.elapsed if self.elapsed else 0,
                "turns": len(self.turn_seconds), "errors": len(self.errors), "asked_again": self.asked_again,
                "p50_ms": self.percentile(0.50) * 1000, "p95_ms": self.percentile(0.95) * 1000,
                "p99_ms": self.percentile(0.99) * 1000,
                "slowest_ms": max(self.turn_seconds, default=float("nan")) * 1000,
                "mean_ms": statistics.fmean(self.turn_seconds) * 1000 if self.turn_seconds else float("nan")}


def load_kiosk_ids(count: int) -> List[str]:
    """The simulated kiosks' ids (each needs a key: runtime/kiosk_keys.py issue_key)."""
    return [f"load-{index:03d}" for index in range(count)]


class SimulatedKiosk:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, key: str, kiosk_id: str,
                 result: LoadResult) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {key}"}
        self.kiosk_id = kiosk_id
        self.result = result
        self.sender = ""

    async def send(self, message: str) -> Reply:
        began = time.monotonic()
        async with self.http.post(f"{self.base_url}/webhooks/rest/webhook", headers=self.headers,
                                  json={"sender": self.sender, "message": message}) as response:
            if response.status != 200:
                raise ErrandFailed(f"HTTP {response.status} for {message[:20]!r}")
            reply = parse_reply(await response.json())
        self.result.turn_seconds.append(time.monotonic() - began)
        return reply

    async def end(self) -> None:
        async with self.http.delete(f"{self.base_url}/gate/conversations/{self.sender}",
                                    headers=self.headers) as response:
            if response.status != 204:
                raise ErrandFailed(f"wipe answered HTTP {response.status}")

    async def place_card(self) -> None:
        """The demo resident's card on the reader: through the gate, with this kiosk's own key
        (runtime/gate.py), checked by an action server for this visit."""
        async with self.http.post(f"{self.base_url}/identity/card", headers=self.headers,
                                  json=card_body(self.sender)) as response:
            if response.status != 200:
                raise ErrandFailed(f"card check answered HTTP {response.status}")
            outcome = await response.json()
        if not outcome.get("verified"):
            raise ErrandFailed(f"card not accepted: {outcome.get('reason')}")

    async def pension(self) -> None:
        reply = await self.send("/query_pension")
        expect(reply.input_kind == "id_number", "no identity step", reply)
        await self.place_card()
        reply = await self.send(CARD_PLACED)
        expect(reply.text.startswith(f"{DEMO_MASKED_NAME}，您好"), "card not used", reply)
        tile = [button for button in reply.buttons if button.payload == "/query_pension"]
        if tile and PENSION_TEXT not in reply.text:  # greeted with the tiles: tap the errand again
            self.result.asked_again += 1
            reply = await self.send(tile[0].payload)
        expect(PENSION_TEXT in reply.text, "wrong or missing amount", reply)

    async def hotline(self) -> None:
        reply = await self.send("/hotline_report")
        expect(reply.input_kind == "free_speech", "no description step", reply)
        reply = await self.send("小区门口的路灯坏了晚上看不见")
        if "在哪里" in reply.text:  # not asked when the model took 小区门口 from the sentence as the place
            reply = await self.send("文明大道18号")
        expect(bool(reply.buttons), "no district choice", reply)
        reply = await self.send(reply.buttons[0].payload)
        expect(reply.input_kind == "phone", "no phone step", reply)
        reply = await self.send(f'/inform{{"phone_number": "139{random.randint(10000000, 99999999)}"}}')
        expect(reply.input_kind == "yes_no", "no read-back", reply)
        reply = await self.send("/affirm")
        expect(bool(reply.result), "no case number", reply)
        self.result.case_numbers.append(str(reply.result["value"]).replace(" ", ""))

    async def run(self, deadline: float, max_errands: int, hotline_share: float) -> None:
        while time.monotonic() < deadline and self.result.errands < max_errands:
            self.sender = f"{self.kiosk_id}-{uuid.uuid4().hex}"  # one per visit, as on a kiosk
            errand = self.hotline if random.random() < hotline_share else self.pension
            try:
                await errand()
                await self.end()
                self.result.errands += 1
                self.result.finished_at.append(time.monotonic())
            except (ErrandFailed, aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                self.result.errors.append(f"{self.kiosk_id}: {error}")


def expect(condition: bool, what: str, reply: Reply) -> None:
    if not condition:
        raise ErrandFailed(f"{what}: {json.dumps(reply.text, ensure_ascii=False)[:120]}")


async def drive(base_url: str, kiosk_keys: Mapping[str, str], seconds: float, max_errands: int = 1000,
                hotline_share: float = 0.3, during: Optional[Callable[[], None]] = None,
                during_after: float = 0.0, seed: int = 7, ca_certificate: Optional[str] = None) -> LoadResult:
    """Run one simulated kiosk per entry of `kiosk_keys` (kiosk id -> its key) for up to
    `seconds` (and `max_errands` in all); call `during()` once, `during_after` seconds in (the
    fault test kills an instance there). HTTPS is checked against `ca_certificate`."""
    random.seed(seed)
    result = LoadResult()
    timeout = aiohttp.ClientTimeout(total=120)
    began = time.monotonic()
    deadline = began + seconds
    tls = ssl.create_default_context(cafile=ca_certificate)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(ssl=tls)) as http:
        tasks = [SimulatedKiosk(http, base_url, key, kiosk_id, result).run(deadline, max_errands, hotline_share)
                 for kiosk_id, key in kiosk_keys.items()]
        if during is not None:
            async def fault() -> None:
                await asyncio.sleep(during_after)
                await asyncio.get_running_loop().run_in_executor(None, during)
            tasks.append(fault())
        await asyncio.gather(*tasks)
    result.elapsed = time.monotonic() - began
    return result
