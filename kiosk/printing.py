"""Receipts (凭条) on an ESC/POS thermal printer, through python-escpos.

A receipt holds what the result screen shows (an amount, a case number, an appointment) and
never a full identity or phone number: results only ever carry masked forms. Chinese text
goes out as GB18030, which Chinese thermal printers expect.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable, List, Mapping, Optional

from config.kiosk_settings import PrinterSettings

logger = logging.getLogger(__name__)

WIDTH = 32  # characters of half width on a 58 mm printer


PRINTING = "正在打印凭条，请在出纸口取。"
PRINT_FAILED = "打印机暂时不能用。请把编号记下来，或者点“找人帮忙”。"


class PrinterUnavailable(RuntimeError):
    pass


def print_in_background(printer: Callable[[dict], None], result: dict, say: Callable[[str], None]) -> None:
    """On its own thread: a slow or missing printer never holds up the window; any fault is
    said in words, and the resident is told what to do instead."""
    say(PRINTING)

    def work() -> None:
        try:
            printer(result)
        except Exception:
            logger.exception("receipt not printed")
            say(PRINT_FAILED)

    threading.Thread(target=work, name="receipt", daemon=True).start()


def receipt_lines(result: Mapping[str, str], kiosk_id: str, when: Optional[datetime] = None) -> List[str]:
    when = when or datetime.now()
    return [
        "长者服务助手",
        "-" * WIDTH,
        str(result.get("title", "")),
        str(result.get("value", "")),
        str(result.get("note", "")),
        "-" * WIDTH,
        f"{when:%Y-%m-%d %H:%M}  {kiosk_id}",
        "有问题请拨打12345",
    ]


def open_printer(settings: PrinterSettings):
    """The python-escpos printer object for the configured kind."""
    try:
        from escpos import printer
    except ImportError as error:  # pragma: no cover - python-escpos is pinned
        raise PrinterUnavailable(str(error)) from error
    try:
        if settings.kind == "file":
            return printer.File(devfile=settings.file_path)
        if settings.kind == "network":
            return printer.Network(host=settings.host, port=settings.port, timeout=5)
        if settings.kind == "usb":
            return printer.Usb(settings.usb_vendor, settings.usb_product)
    except Exception as error:  # escpos raises its own types per back-end
        raise PrinterUnavailable(f"printer cannot be opened: {error}") from error
    raise PrinterUnavailable("no printer is configured")


def print_receipt(settings: PrinterSettings, result: Mapping[str, str], kiosk_id: str) -> None:
    device = open_printer(settings)
    try:
        for index, line in enumerate(receipt_lines(result, kiosk_id)):
            large = index in (0, 3)  # the heading and the value itself, in double size
            device.set(align="center" if index == 0 else "left", bold=large,
                       double_height=large, double_width=large, normal_textsize=not large)
            device.textln(line)
        device.cut()
    except Exception as error:
        raise PrinterUnavailable(f"printing failed: {error}") from error
    finally:
        try:
            device.close()
        except Exception:  # closing a half-open device must not hide the real error
            logger.debug("printer close failed", exc_info=True)
