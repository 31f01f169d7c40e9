"""The ID card reader on a serial port (pyserial): one request, one reply, one deadline.

`CardReader` owns the port and speaks one request at a time: find, select, read, each with
its own deadline, so a reader that stops answering costs seconds, never a hung kiosk. It
knows nothing of events or retries: `card_watcher.CardWatcher` polls it and decides what a
missed answer means. Nothing it raises holds card text.

The port is any pyserial URL: a device (/dev/ttyUSB0, /dev/ttyACM0, a pseudo-terminal or a
symlink to one) or e.g. rfc2217://host:port for a reader behind a serial server.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Optional

import serial

from kiosk.devices import card_fields
from kiosk.devices import card_protocol as protocol
from kiosk.devices.card_protocol import (
    CardLifted,
    Command,
    ReaderStatusError,
    Response,
    Status,
)
from kiosk.devices.id_card import IdCard

try:
    import termios

    _IO_ERRORS: tuple = (serial.SerialException, OSError, termios.error)
except ImportError:  # not POSIX
    _IO_ERRORS = (serial.SerialException, OSError)

logger = logging.getLogger(__name__)

DEFAULT_BAUD_RATE = 115200
# One read of the port waits at most this long, so a cancel (watcher stopping) is seen soon.
_CHUNK_SECONDS = 0.05


class ReaderUnavailable(Exception):
    """The port cannot be opened, or failed under us (the reader was unplugged)."""


class ReaderTimeout(Exception):
    """No complete reply within the deadline."""

    def __init__(self, command: Command, seconds: float) -> None:
        self.command = command
        super().__init__(f"no reply to {command.name} within {seconds:.1f} s")


class ReaderCancelled(Exception):
    """The reader was asked to stop while it waited for a reply."""


class CardReader:
    """One GA/T 467 reader on one port. Not thread-safe: one owner at a time.

    `reply_timeout` bounds the quick commands (find, select); `read_timeout` the base-text read,
    which takes the card and the SAM module about a second on real hardware.
    """

    def __init__(self, port: str, baud_rate: int = DEFAULT_BAUD_RATE, reply_timeout: float = 1.0,
                 read_timeout: float = 3.0, cancel: Optional[threading.Event] = None) -> None:
        self.port = port
        self.baud_rate = baud_rate
        self.reply_timeout = reply_timeout
        self.read_timeout = read_timeout
        self.cancel = cancel or threading.Event()
        self._serial: Optional[serial.SerialBase] = None
        self._assembler = protocol.FrameAssembler()

    # -- the port ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._serial is not None and self._serial.is_open

    def open(self) -> None:
        if self.is_open:
            return
        options = {"baudrate": self.baud_rate, "timeout": _CHUNK_SECONDS, "write_timeout": self.reply_timeout}
        if "://" not in self.port:
            options["exclusive"] = True  # the kiosk and a `card-reader --once` never interleave frames
        try:
            self._serial = serial.serial_for_url(self.port, **options)
        except _IO_ERRORS as error:
            self._serial = None
            raise ReaderUnavailable(f"cannot open {self.port}: {error}") from None
        self._assembler.clear()
        logger.info("card reader opened on %s at %d baud", self.port, self.baud_rate)

    def close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            # A port whose device has gone cannot be closed cleanly; it is closed enough.
            with contextlib.suppress(*_IO_ERRORS):
                port.close()

    def __enter__(self) -> CardReader:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- one exchange -----------------------------------------------------------------------

    def transact(self, command: Command, data: bytes = b"", timeout: Optional[float] = None) -> Response:
        """Send one request and wait for its reply (checksum checked)."""
        if self._serial is None:
            raise ReaderUnavailable(f"card reader port {self.port} is not open")
        seconds = self.reply_timeout if timeout is None else timeout
        port = self._serial
        try:
            # Whatever is waiting is the tail of a reply nobody waits for any more.
            port.reset_input_buffer()
            self._assembler.clear()
            port.write(protocol.build_request(command, data))
            port.flush()
        except serial.SerialTimeoutException:
            raise ReaderTimeout(command, seconds) from None
        except _IO_ERRORS as error:
            raise ReaderUnavailable(f"card reader on {self.port} failed: {error}") from None
        return protocol.parse_response(self._reply(port, command, seconds))

    def _reply(self, port: serial.SerialBase, command: Command, seconds: float) -> bytes:
        deadline = time.monotonic() + seconds
        while True:
            if self.cancel.is_set():
                raise ReaderCancelled()
            if time.monotonic() >= deadline:
                raise ReaderTimeout(command, seconds)
            try:
                chunk = port.read(max(1, port.in_waiting))
            except _IO_ERRORS as error:
                raise ReaderUnavailable(f"card reader on {self.port} failed: {error}") from None
            for frame in self._assembler.feed(chunk):
                return frame

    # -- the three steps --------------------------------------------------------------------

    def card_present(self) -> bool:
        """Find card: True when a card lies on the reader."""
        response = self.transact(Command.FIND_CARD)
        if response.status == Status.FIND_FAILED:
            return False
        protocol.expect(response, Command.FIND_CARD, Status.FIND_SUCCESS)
        return True

    def read_present_card(self) -> IdCard:
        """Select and read the card a find has just found.

        CardLifted when the card went away meanwhile; ReaderStatusError when it stayed but
        the reader could not read it; ChecksumError or FrameError for a garbled reply.
        """
        self._step(Command.SELECT_CARD, self.reply_timeout)
        response = self._step(Command.READ_BASE, self.read_timeout)
        return card_fields.decode_base_text(card_fields.split_base_info(response.data))

    def read_card(self) -> Optional[IdCard]:
        """Find, select, read: the card on the reader, or None when there is none."""
        if not self.card_present():
            return None
        return self.read_present_card()

    def _step(self, command: Command, timeout: float) -> Response:
        response = self.transact(command, timeout=timeout)
        if response.status == Status.SUCCESS:
            return response
        # Failed after a find succeeded: lifted, or a card the reader cannot read? Ask again.
        if not self.card_present():
            raise CardLifted(f"the card left the reader during {command.name}")
        raise ReaderStatusError(response.status, command)
