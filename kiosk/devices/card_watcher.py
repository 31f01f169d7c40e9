"""Watching the card reader in the background and reporting what changed as small events.

Why apart from the driver: `card_reader.CardReader` answers one request at a time and knows
nothing of time passing; whether a missed answer is a card lifted, a reader unplugged or a
wire glitch is decided here, across polls. `CardWatcher` turns what it sees into events (a
card placed, removed or unreadable; the reader lost or back), outlives a reader pulled out and
plugged back in, and logs only the masked forms of a card, never its text.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Sequence, Union

from kiosk.devices import card_protocol as protocol
from kiosk.devices.card_protocol import (
    CardDataError,
    CardLifted,
    ChecksumError,
    FrameError,
    ReaderStatusError,
)
from kiosk.devices.card_reader import (
    DEFAULT_BAUD_RATE,
    CardReader,
    ReaderCancelled,
    ReaderTimeout,
    ReaderUnavailable,
)
from kiosk.devices.id_card import IdCard

if TYPE_CHECKING:
    from config.kiosk_settings import CardReaderSettings

logger = logging.getLogger(__name__)


# -- events -------------------------------------------------------------------------------------

class UnreadableReason(str, enum.Enum):
    CHECKSUM = "checksum"  # a reply was corrupted on the wire
    LIFTED = "lifted"  # the card left the reader mid-read
    TIMEOUT = "timeout"  # the reader did not finish answering in time
    READER_STATUS = "reader_status"  # the reader answered with an error (e.g. 0x41, not genuine)
    BAD_DATA = "bad_data"  # the card's text did not decode


@dataclass(frozen=True)
class CardPlaced:
    card: IdCard


@dataclass(frozen=True)
class CardRemoved:
    """The card reported by the last CardPlaced has left the reader."""


@dataclass(frozen=True)
class CardUnreadable:
    """A card lies (or lay) on the reader but could not be read.

    `will_retry`: the watcher tries again by itself; when False, ask the resident to lift the
    card and place it again (the watcher tries afresh once it has been lifted).
    """

    reason: UnreadableReason
    detail: str = ""
    will_retry: bool = False


@dataclass(frozen=True)
class ReaderLost:
    reason: str


@dataclass(frozen=True)
class ReaderBack:
    """The reader answers again after a ReaderLost."""


CardEvent = Union[CardPlaced, CardRemoved, CardUnreadable, ReaderLost, ReaderBack]


class CardWatcher:
    """Polls a reader in a background thread and calls `on_event` with what changed.

    `on_event` runs in the watcher's thread (a Kivy app hands it on with Clock.schedule_once);
    an exception in it is logged and the watcher carries on. The sequence of events is always
    consistent: CardRemoved follows only a CardPlaced. A card is reported removed after
    `removal_misses` polls without it (one missed answer is not a removal); whenever a card
    answers again after a miss, or after ReaderBack, it is read again, so a card swapped for
    another is reported as CardRemoved then CardPlaced, never taken for the first.
    """

    def __init__(self, port: str, on_event: Callable[[CardEvent], None], baud_rate: int = DEFAULT_BAUD_RATE,
                 poll_seconds: float = 0.4, reply_timeout: float = 1.0, read_timeout: float = 3.0,
                 reopen_backoff: Sequence[float] = (0.5, 1.0, 2.0, 5.0), read_attempts: int = 3,
                 removal_misses: int = 2, fault_limit: int = 3) -> None:
        self.port = port
        self.on_event = on_event
        self.poll_seconds = poll_seconds
        self.reopen_backoff = tuple(reopen_backoff) or (1.0,)
        self.read_attempts = read_attempts
        self.removal_misses = removal_misses
        self.fault_limit = fault_limit
        self._stop = threading.Event()
        self._reader = CardReader(port, baud_rate, reply_timeout, read_timeout, cancel=self._stop)
        self._thread: Optional[threading.Thread] = None
        self._card: Optional[IdCard] = None
        self._connected = False
        self._lost = False
        self._recheck = False  # after ReaderBack: is the card we reported still there?
        self._reopen_failures = 0
        self._faults = 0
        self._misses = 0
        self._attempts = 0
        self._gave_up = False

    @property
    def card(self) -> Optional[IdCard]:
        """The card on the reader as last reported (None when none)."""
        return self._card

    @property
    def connected(self) -> bool:
        return self._connected

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="card-watcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """End the thread (within `timeout`: every wait in it watches the same stop flag)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("card watcher did not stop within %.1f s", timeout)
            self._thread = None

    # -- the loop ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    delay = self._round()
                except ReaderCancelled:
                    break
                except Exception as error:  # never out of the thread; the types say enough
                    logger.error("card watcher: unexpected %s; starting the reader again", type(error).__name__)
                    self._drop_reader(f"unexpected {type(error).__name__}")
                    delay = self.poll_seconds
                self._stop.wait(delay)
        finally:
            self._reader.close()

    def _round(self) -> float:
        """One poll; returns how long to wait before the next."""
        if not self._reader.is_open:
            try:
                self._reader.open()
            except ReaderUnavailable as error:
                self._set_lost(str(error))
                delay = self.reopen_backoff[min(self._reopen_failures, len(self.reopen_backoff) - 1)]
                self._reopen_failures += 1
                return delay
        try:
            present = self._reader.card_present()
        except ReaderUnavailable as error:
            self._drop_reader(str(error))
            return self.reopen_backoff[0]
        except (ReaderTimeout, FrameError, ReaderStatusError) as error:
            # A find that gets no usable answer is the reader's trouble, not the card's.
            self._faults += 1
            logger.debug("card reader: %s", error)
            if self._faults >= self.fault_limit:
                self._drop_reader(f"no usable answer from the reader ({error})")
            return self.poll_seconds
        self._answered()
        if present and ((self._card is None and not self._gave_up) or self._recheck):
            self._read()
        else:
            self._presence(present)
        return self.poll_seconds

    def _read(self) -> None:
        """Select and read the card just found; what went wrong becomes CardUnreadable."""
        try:
            card = self._reader.read_present_card()
        except ReaderUnavailable as error:
            self._drop_reader(str(error))
        except CardLifted:
            self._unreadable(UnreadableReason.LIFTED, "the card was lifted during the read")
        except ChecksumError as error:
            self._unreadable(UnreadableReason.CHECKSUM, str(error))
        except ReaderTimeout as error:
            self._unreadable(UnreadableReason.TIMEOUT, str(error))
        except ReaderStatusError as error:
            self._unreadable(UnreadableReason.READER_STATUS, protocol.describe_status(error.status))
        except (CardDataError, FrameError) as error:
            self._unreadable(UnreadableReason.BAD_DATA, str(error))
        else:
            self._placed(card)

    def _placed(self, card: IdCard) -> None:
        recheck, self._recheck = self._recheck, False
        self._misses, self._attempts = 0, 0
        if recheck and self._card is not None and card.id_number == self._card.id_number:
            return  # the card reported before the reader was lost is still there
        if self._card is not None:
            self._emit(CardRemoved())
        self._card = card
        logger.info("card placed: %s %s", card.masked_name, card.masked_number)
        self._emit(CardPlaced(card))

    def _unreadable(self, reason: UnreadableReason, detail: str) -> None:
        if self._recheck:
            self._recheck = False  # could not check again: keep the card we know of
            return
        lifted = reason is UnreadableReason.LIFTED
        self._attempts = 0 if lifted else self._attempts + 1
        will_retry = not lifted and self._attempts < self.read_attempts
        self._gave_up = not lifted and not will_retry
        logger.info("card unreadable (%s): %s", reason.value, detail)
        self._emit(CardUnreadable(reason, detail, will_retry))

    def _presence(self, present: bool) -> None:
        if present:
            self._misses = 0
            return
        self._gave_up, self._attempts = False, 0
        if self._card is None:
            return
        self._misses += 1
        if self._misses >= self.removal_misses:
            self._card, self._misses, self._recheck = None, 0, False
            logger.info("card removed")
            self._emit(CardRemoved())
        else:
            self._recheck = True  # if a card answers again, make sure it is the same one

    def _answered(self) -> None:
        self._faults = 0
        self._reopen_failures = 0
        if not self._connected:
            self._connected = True
            if self._lost:
                self._lost = False
                self._recheck = self._card is not None
                logger.info("card reader back on %s", self.port)
                self._emit(ReaderBack())

    def _set_lost(self, reason: str) -> None:
        self._connected = False
        if not self._lost:
            self._lost = True
            logger.warning("card reader lost: %s", reason)
            self._emit(ReaderLost(reason))

    def _drop_reader(self, reason: str) -> None:
        self._reader.close()
        self._set_lost(reason)

    def _emit(self, event: CardEvent) -> None:
        try:
            self.on_event(event)
        except Exception as error:
            logger.error("card watcher: on_event raised %s", type(error).__name__)


def watcher_from_settings(settings: CardReaderSettings,
                          on_event: Callable[[CardEvent], None]) -> Optional[CardWatcher]:
    """The watcher for the configured reader (not started), or None when none is enabled."""
    if not settings.enabled:
        return None
    return CardWatcher(settings.port, on_event, baud_rate=settings.baud_rate)
