"""A simulated GA/T 467 reader on a pseudo-terminal, for tests, demos and guided lessons.

It answers the real frames at the wire's pace, in small pieces as a UART delivers them, so
the driver under test reads from a real tty exactly as it would from /dev/ttyUSB0. Controls
put a card on it, lift it (also in the middle of a read), corrupt or drop a reply, and pull
the reader out and plug it back in.

The device a reader opens is `device`: a symlink, in a folder the simulator owns, to the
current pseudo-terminal. `unplug()` closes the pty (the reader's next read or write fails with
an I/O error, as when a USB reader is pulled out) and removes the symlink (re-opening fails
like a missing /dev/ttyUSB0); `plug()` opens a new pty and points the same symlink at it, so a
reader configured with `device` finds the reader again by re-opening the same path.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import tempfile
import threading
import time
import tty
from pathlib import Path
from typing import List, Optional

from kiosk.devices import card_fields
from kiosk.devices import card_protocol as protocol
from kiosk.devices.card_protocol import Command, FrameError, Status
from kiosk.devices.id_card import IdCard

_PIECE = 16  # bytes written at a time
_ANY = None  # a control that applies to the next reply, whatever the command


def fake_photo(card: IdCard) -> bytes:
    """1024 bytes standing in for the WLT photo: noise, with a preamble inside it on purpose
    (a reader must cut frames by their length, not by searching for the next preamble)."""
    noise = bytearray(random.Random(card.id_number).getrandbits(8) for _ in range(card_fields.PHOTO_LENGTH))
    noise[100:105] = protocol.PREAMBLE
    return bytes(noise)


class SimulatedReader:
    """A reader with a SAM module, on a pty. Start it with `with SimulatedReader() as reader:`."""

    def __init__(self, baud_rate: int = 115200, paced: bool = True) -> None:
        self.baud_rate = baud_rate
        self.paced = paced
        self._folder = Path(tempfile.mkdtemp(prefix="card-reader-"))
        self.device = str(self._folder / "reader")
        self._lock = threading.Lock()
        self._served = threading.Condition(self._lock)
        self._master: Optional[int] = None
        self._slave: Optional[int] = None
        self._generation = 0
        self._assembler = protocol.FrameAssembler()
        self._card: Optional[IdCard] = None
        self._found = False
        self._selected = False
        self._lift_on_read = False
        self._corrupt: List[Optional[Command]] = []
        self._drop: List[Optional[Command]] = []
        self.requests: List[Optional[Command]] = []
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    # -- life -------------------------------------------------------------------------------

    def start(self) -> SimulatedReader:
        self.plug()
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="card-simulator", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        self.unplug()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> SimulatedReader:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- controls ---------------------------------------------------------------------------

    @property
    def card(self) -> Optional[IdCard]:
        return self._card

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def place(self, card: IdCard) -> None:
        with self._lock:
            self._card, self._found, self._selected = card, False, False

    def lift(self) -> None:
        with self._lock:
            self._card, self._found, self._selected = None, False, False

    def lift_during_next_read(self) -> None:
        """The next base-text read fails (0x41) because the card has just been lifted."""
        with self._lock:
            self._lift_on_read = True

    def corrupt_next_reply(self, command: Optional[Command] = _ANY) -> None:
        """Spoil the checksum of the next reply (to `command`, or to whatever comes next)."""
        with self._lock:
            self._corrupt.append(command)

    def drop_next_reply(self, command: Optional[Command] = _ANY) -> None:
        """Send nothing back to the next request (to `command`): the reader must time out."""
        with self._lock:
            self._drop.append(command)

    def unplug(self) -> None:
        with self._lock:
            for fd in (self._master, self._slave):
                if fd is not None:
                    os.close(fd)
            self._master = self._slave = None
            self._generation += 1
            Path(self.device).unlink(missing_ok=True)

    def plug(self) -> None:
        with self._lock:
            if self._master is not None:
                return
            master, slave = os.openpty()
            tty.setraw(slave)  # no echo, no line editing: bytes pass untouched both ways
            os.set_blocking(master, False)
            link = self._folder / f"reader.{self._generation}"
            link.symlink_to(os.ttyname(slave))
            os.replace(link, self.device)
            self._master, self._slave = master, slave
            self._generation += 1
            self._assembler.clear()

    def wait_for_requests(self, count: int, timeout: float) -> bool:
        """Wait until `count` requests in all have been served; False on timeout."""
        with self._served:
            return self._served.wait_for(lambda: len(self.requests) >= count, timeout)

    # -- serving ----------------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                fd, generation = self._master, self._generation
            if fd is None:
                self._stop.wait(0.02)
                continue
            try:
                readable, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                continue  # unplugged while waiting
            if not readable:
                continue
            with self._lock:
                if generation != self._generation:
                    continue
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    continue
                for frame in self._assembler.feed(data):
                    reply = self._handle(frame)
                    if reply is not None:
                        self._send(fd, reply)
                self._served.notify_all()

    def _handle(self, frame: bytes) -> Optional[bytes]:
        try:
            request = protocol.parse_request(frame)
        except protocol.ChecksumError:
            return protocol.build_response(Status.CHECKSUM_ERROR)
        except FrameError:
            return protocol.build_response(Status.LENGTH_ERROR)
        command = request.command
        self.requests.append(command)
        if self._take(self._drop, command):
            return None
        reply = self._answer(command)
        if self._take(self._corrupt, command):
            reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
        return reply

    @staticmethod
    def _take(rules: List[Optional[Command]], command: Optional[Command]) -> bool:
        for index, wanted in enumerate(rules):
            if wanted is _ANY or wanted == command:
                del rules[index]
                return True
        return False

    def _answer(self, command: Optional[Command]) -> bytes:
        build = protocol.build_response
        if command in (Command.RESET_SAM, Command.SAM_STATUS):
            return build(Status.SUCCESS)
        if command is Command.SAM_ID:
            return build(Status.SUCCESS, bytes(16))
        if command is Command.FIND_CARD:
            self._found = self._card is not None
            self._selected = False
            return build(Status.FIND_SUCCESS, bytes(4)) if self._found else build(Status.FIND_FAILED)
        if command is Command.SELECT_CARD:
            self._selected = self._found and self._card is not None
            return build(Status.SUCCESS, bytes(8)) if self._selected else build(Status.SELECT_FAILED)
        if command is Command.READ_BASE:
            if self._lift_on_read and self._card is not None:
                self._lift_on_read = False
                self._card, self._found, self._selected = None, False, False
            if self._card is None or not self._selected:
                return build(Status.READ_FAILED)
            text = card_fields.encode_base_text(self._card)
            return build(Status.SUCCESS, card_fields.build_base_info(text, fake_photo(self._card)))
        return build(Status.COMMAND_ERROR)

    def _send(self, fd: int, reply: bytes) -> None:
        """Write at the wire's pace; a reply nobody reads within a second is dropped."""
        pause = _PIECE * 10 / self.baud_rate if self.paced else 0.0
        for start in range(0, len(reply), _PIECE):
            piece = reply[start:start + _PIECE]
            deadline = time.monotonic() + 1.0
            while piece:
                try:
                    written = os.write(fd, piece)
                    piece = piece[written:]
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        return
                    select.select([], [fd], [], 0.05)
                except OSError:
                    return
            if pause:
                time.sleep(pause)
