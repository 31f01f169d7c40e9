"""The kiosk PC's own settings: the kiosk and its printer, speech, the devices (card reader,
camera), where files go, and how the supervisor starts things. Part of the one validated
settings model (config/settings.py), kept apart so each file stays readable."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Frozen(BaseModel):
    """Every settings section: read once, never changed, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PrinterSettings(Frozen):
    kind: Literal["none", "file", "usb", "network"] = "none"
    file_path: Optional[str] = None
    host: Optional[str] = None
    port: int = Field(9100, ge=1, le=65535)
    usb_vendor: Optional[int] = None
    usb_product: Optional[int] = None

    @model_validator(mode="after")
    def _needs_its_address(self) -> PrinterSettings:
        needed = {"file": ["file_path"], "network": ["host"], "usb": ["usb_vendor", "usb_product"]}
        missing = [key for key in needed.get(self.kind, []) if getattr(self, key) is None]
        if missing:
            raise ValueError(f"printer kind {self.kind!r} needs {', '.join(missing)}")
        return self


class KioskSettings(Frozen):
    kiosk_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    centre_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    district: str
    text_scales: List[float]
    text_scale_index: int = 0
    idle_seconds: int = Field(..., ge=30, le=3600)
    idle_countdown_seconds: int = Field(..., ge=30, le=600)
    fullscreen: bool = False
    window_width: int = Field(..., ge=640)
    window_height: int = Field(..., ge=480)
    staff_pin_hash: str
    printer: PrinterSettings = PrinterSettings()
    # How long a resident waits at the kiosk for a staff member to certify their pension in
    # person before the kiosk says so and offers the hall or a home visit. Below the portal's
    # own 15 minutes (portal/sandbox/certification_staff.py), so the kiosk always speaks first.
    staff_wait_seconds: int = Field(300, ge=60, le=840)

    @field_validator("district")
    @classmethod
    def _a_ganzhou_district(cls, value: str) -> str:
        from common.idnumber import GANZHOU_DISTRICTS

        if value not in GANZHOU_DISTRICTS.values():
            raise ValueError("district must be one of Ganzhou's 18 counties and districts")
        return value

    @field_validator("text_scales")
    @classmethod
    def _three_steps_largest_half_again(cls, scales: List[float]) -> List[float]:
        # ACCESSIBILITY.md: at least three steps, the largest >= 1.5 x standard.
        if len(scales) < 3 or scales != sorted(scales) or scales[0] != 1.0 or scales[-1] < 1.5:
            raise ValueError("need >= 3 ascending steps starting at 1.0 and reaching >= 1.5")
        return scales

    @model_validator(mode="after")
    def _index_in_range(self) -> KioskSettings:
        if not 0 <= self.text_scale_index < len(self.text_scales):
            raise ValueError("text_scale_index must point into text_scales")
        return self


class SpeechSettings(Frozen):
    vosk_model_dir: str
    model_url: str
    model_sha256: Optional[str] = Field(None, pattern=r"^[0-9a-f]{64}$")
    end_silence_seconds: float = Field(..., ge=0.8, le=5.0)
    max_listen_seconds: float = Field(..., gt=0)
    max_free_speech_seconds: float = Field(..., gt=0)
    input_device: Optional[str] = None
    rate_cpm: int
    rate_min_cpm: int = Field(..., ge=100)
    rate_max_cpm: int = Field(..., le=320)
    rate_step_cpm: int = Field(..., ge=5)
    volume: float = Field(..., ge=0.1, le=1.0)
    voice: str = "cmn-latn-pinyin"  # see config/kiosk.yaml
    # The centre's recorded voice pack (a folder under data_dir/voice-packs); null = synthesis.
    # Same pattern as kiosk.speech.packs.PACK_ID (tests/kiosk/test_voice_packs.py checks).
    voice_pack: Optional[str] = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")

    @model_validator(mode="after")
    def _rate_within_bounds(self) -> SpeechSettings:
        if not self.rate_min_cpm <= self.rate_cpm <= self.rate_max_cpm:
            raise ValueError("rate_cpm must lie between rate_min_cpm and rate_max_cpm")
        return self



class CardReaderSettings(Frozen):
    """The resident ID card reader (GA/T 467, serial or USB-serial)."""

    enabled: bool = False
    port: str = Field("/dev/ttyUSB0", min_length=1)  # a device path or any pyserial URL
    baud_rate: int = Field(115200, ge=1200, le=921600)


CAMERA_KINDS = ("camera", "video", "image")


class CameraSettings(Frozen):
    """The face check's camera (kiosk/devices/camera.py, kiosk/face_desk.py). Off by default:
    a kiosk offers the face check only where a camera is fitted and reported working.

    source: "camera:0" (an OpenCV camera index) or "camera:/dev/video0"; "video:<file>" or
    "image:<file>" for demos and tests (relative paths from the repository root).
    mirrored: the camera's driver already mirrors its frames (the guidance's left and right).
    """

    enabled: bool = False
    source: str = "camera:0"
    mirrored: bool = False

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        kind, colon, rest = value.partition(":")
        if not colon or kind not in CAMERA_KINDS or not rest.strip():
            raise ValueError('devices.camera.source is "camera:<index or device>", "video:<file>" or "image:<file>"')
        return value


class DevicesSettings(Frozen):
    card_reader: CardReaderSettings = CardReaderSettings()
    camera: CameraSettings = CameraSettings()


class PathSettings(Frozen):
    data_dir: str
    log_dir: str


class SupervisorSettings(Frozen):
    health_timeout_seconds: float = Field(..., gt=0)
    restart_backoff_seconds: List[float]


