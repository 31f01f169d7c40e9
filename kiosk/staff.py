"""The staff settings behind the PIN: what they may change, within safe bounds, and where
it is kept (data/staff-settings.yaml, layered over the centre's settings at start).

Repeated wrong PINs lock the settings for a while; the PIN itself is only ever compared
with its PBKDF2 hash from the settings file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import yaml

from common.hashing import check_secret
from config import Settings
from config.settings import STAFF_FILE

MAX_WRONG_PINS = 5
LOCK_SECONDS = 300
SCALE_NAMES = ["标准", "大", "特大"]


@dataclass
class Choice:
    """One adjustable setting: its values in order and how each is shown."""

    key: Tuple[str, str]  # (section, field) in the settings file
    title: str
    values: List
    show: Callable[[object], str]
    index: int = 0

    @property
    def value(self):
        return self.values[self.index]

    def step(self, direction: int) -> None:
        self.index = max(0, min(len(self.values) - 1, self.index + direction))


def _nearest(values: List, current) -> int:
    return min(range(len(values)), key=lambda i: abs(float(values[i]) - float(current)))


@dataclass
class StaffSettings:
    settings: Settings
    clock: Callable[[], float] = time.monotonic
    wrong_pins: int = 0
    locked_until: float = 0.0
    choices: Dict[str, Choice] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kiosk, speech = self.settings.kiosk, self.settings.speech
        scales = list(range(len(kiosk.text_scales)))
        rates = list(range(speech.rate_min_cpm, speech.rate_max_cpm + 1, speech.rate_step_cpm))
        volumes = [round(v / 10, 1) for v in range(3, 11)]
        idle = list(range(60, 601, 30))
        self.choices = {
            "text": Choice(("kiosk", "text_scale_index"), "文字大小", scales,
                           lambda i: SCALE_NAMES[min(int(i), 2)], kiosk.text_scale_index),
            "rate": Choice(("speech", "rate_cpm"), "说话速度", rates, lambda v: f"每分钟{v}字",
                           _nearest(rates, speech.rate_cpm)),
            "volume": Choice(("speech", "volume"), "音量", volumes, lambda v: f"{int(float(v) * 100)}%",
                             _nearest(volumes, speech.volume)),
            "idle": Choice(("kiosk", "idle_seconds"), "无人操作多久提醒", idle, lambda v: f"{v}秒",
                           _nearest(idle, kiosk.idle_seconds)),
            "fullscreen": Choice(("kiosk", "fullscreen"), "全屏锁定", [False, True],
                                 lambda v: "开" if v else "关", int(kiosk.fullscreen)),
        }

    @property
    def path(self) -> Path:
        return self.settings.data_dir / STAFF_FILE

    @property
    def locked(self) -> bool:
        return self.clock() < self.locked_until

    def unlock(self, pin: str) -> bool:
        if self.locked:
            return False
        if check_secret(pin, self.settings.kiosk.staff_pin_hash):
            self.wrong_pins = 0
            return True
        self.wrong_pins += 1
        if self.wrong_pins >= MAX_WRONG_PINS:
            self.wrong_pins, self.locked_until = 0, self.clock() + LOCK_SECONDS
        return False

    def save(self) -> Path:
        content: Dict[str, Dict] = {}
        for choice in self.choices.values():
            section, key = choice.key
            content.setdefault(section, {})[key] = choice.value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        partial.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
        partial.replace(self.path)
        return self.path
