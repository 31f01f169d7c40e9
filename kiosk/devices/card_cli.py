"""`python main.py card-reader`: check a reader at a centre, or run a simulated one.

`--once` reads one card and prints its masked summary as JSON on the last line (for scripts
and the installer's check); without it the reader's events are printed as they come (for
setting a reader up); `--simulate` serves the sandbox's fictional cards on a pseudo-terminal,
driven by one command a line, for demos and guided lessons. Only masked forms are printed.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from typing import Optional, Sequence, TextIO

from kiosk.devices import card_protocol as protocol
from kiosk.devices.card_reader import DEFAULT_BAUD_RATE, CardReader, ReaderTimeout, ReaderUnavailable
from kiosk.devices.card_simulator import SimulatedReader
from kiosk.devices.card_watcher import (
    CardEvent,
    CardPlaced,
    CardRemoved,
    CardUnreadable,
    CardWatcher,
    ReaderBack,
    ReaderLost,
)
from kiosk.devices.id_card import IdCard


def card_summary(card: Optional[IdCard], today: date, error: Optional[str] = None) -> str:
    """The one JSON line the command prints last: masked forms only."""
    summary: dict = {
        "number": card.masked_number if card else None,
        "name": card.masked_name if card else None,
        "valid_today": card.valid_on(today) if card else False,
    }
    if error:
        summary["error"] = error
    return json.dumps(summary, ensure_ascii=False)


def read_once(port: str, baud_rate: int = DEFAULT_BAUD_RATE, wait_seconds: float = 10.0,
              out: Optional[TextIO] = None, today: Optional[date] = None) -> int:
    """Wait up to `wait_seconds` for a card, read it, print its masked summary; 0 when read."""
    out = out or sys.stdout
    today = today or date.today()
    deadline = time.monotonic() + wait_seconds
    problem = "no card on the reader"
    try:
        with CardReader(port, baud_rate) as reader:
            while True:
                try:
                    card = reader.read_card()
                except (ReaderTimeout, protocol.CardProtocolError) as error:
                    card, problem = None, f"card unreadable: {error}"
                if card is not None:
                    until = "长期" if card.valid_until is None else f"{card.valid_until:%Y.%m.%d}"
                    validity = "有效" if card.valid_on(today) else "未生效" if today < card.valid_from else "已过期"
                    print(f"{card.masked_name}  {card.masked_number}  有效期限 {card.valid_from:%Y.%m.%d}-{until}"
                          f"  {validity}", file=out)
                    print(card_summary(card, today), file=out, flush=True)
                    return 0
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.3)
    except ReaderUnavailable as error:
        problem = str(error)
    print(card_summary(None, today, problem), file=out, flush=True)
    return 1


def describe_event(event: CardEvent) -> str:
    """A line for a person watching the reader (masked forms only)."""
    if isinstance(event, CardPlaced):
        card = event.card
        state = "valid today" if card.valid_on(date.today()) else "NOT valid today"
        return f"card placed: {card.masked_name} {card.masked_number} ({state})"
    if isinstance(event, CardUnreadable):
        again = ", trying again" if event.will_retry else ", lift it and place it again"
        return f"card unreadable ({event.reason.value}): {event.detail}{again}"
    if isinstance(event, ReaderLost):
        return f"reader lost: {event.reason}"
    return {CardRemoved: "card removed", ReaderBack: "reader back"}[type(event)]


def watch(port: str, baud_rate: int = DEFAULT_BAUD_RATE, out: Optional[TextIO] = None) -> int:
    """Print the reader's events until Ctrl-C (for setting up a reader at a centre)."""
    out = out or sys.stdout
    watcher = CardWatcher(port, lambda event: print(describe_event(event), file=out, flush=True),
                          baud_rate=baud_rate)
    print(f"watching the card reader on {port} (Ctrl-C ends)", file=out, flush=True)
    watcher.start()
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        watcher.stop()


HELP = """commands:
  list            the cards (masked) and their numbers for `place`
  place N         put card N on the reader
  lift            take the card off
  lift-mid-read   the next read fails because the card is lifted during it
  corrupt         spoil the checksum of the next reply
  drop            send no reply to the next request (the reader times out)
  unplug / plug   pull the reader out / plug it back in
  quit"""


def simulate(cards: Sequence[IdCard], stdin: Optional[TextIO] = None, stdout: Optional[TextIO] = None,
             listed: int = 10) -> int:
    """A simulated reader serving `cards`, driven by one command a line."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout

    def say(text: str) -> None:
        print(text, file=stdout, flush=True)

    with SimulatedReader() as reader:
        say(f"device: {reader.device}")
        say("point devices.card_reader.port (or --port) at it; `help` lists the commands")
        for line in stdin:
            words = line.split()
            if not words:
                continue
            verb, rest = words[0].lower(), words[1:]
            if verb in ("quit", "exit"):
                break
            if verb == "help":
                say(HELP)
            elif verb == "list":
                today = date.today()
                for index, card in enumerate(cards[:listed]):
                    state = "valid" if card.valid_on(today) else "EXPIRED"
                    say(f"{index:3d}  {card.masked_name}  {card.masked_number}  {state}")
                if len(cards) > listed:
                    say(f"... and {len(cards) - listed} more (place {listed}..{len(cards) - 1})")
            elif verb == "place" and rest and rest[0].isdigit() and int(rest[0]) < len(cards):
                reader.place(cards[int(rest[0])])
                say(f"ok: placed {cards[int(rest[0])].masked_name}")
            elif verb in _SIMPLE:
                getattr(reader, _SIMPLE[verb])()
                say(f"ok: {verb}")
            else:
                say(f"not understood: {line.strip()!r} (`help` lists the commands)")
    return 0


_SIMPLE = {"lift": "lift", "lift-mid-read": "lift_during_next_read", "corrupt": "corrupt_next_reply",
           "drop": "drop_next_reply", "unplug": "unplug", "plug": "plug"}

