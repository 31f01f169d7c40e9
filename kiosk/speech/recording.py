"""What the server does with a take recorded in a browser, before it joins a voice pack.

A browser sends WebM/Opus (Chromium's and Firefox's MediaRecorder), MP4/AAC (Safari) or a WAV
(recorders built on Web Audio: often 32-bit float, 44.1 or 48 kHz, sometimes stereo). WAVs are
read here without any tool; everything else is decoded by ffmpeg (Debian's package, in
scripts/system-packages.sh). Then the take is made mono 16 kHz, its leading and trailing
silence is cut (a button click at the start is not speech: it is too short), and its
loudness is brought to the kiosk's own synthetic voice, so that a recorded prompt and the
synthesised words around it sound equally loud.

Loudness is the active speech level: the RMS of 20 ms frames no more than 35 dB below the
loudest frame (pauses and silence do not count), in dB of full scale. The kiosk's espeak-ng
voice (`cmn-latn-pinyin` through tts.Voice at volume 1.0, phrases paced as the kiosk paces
them) measures -18.5 dBFS on average over the 165 sentences of the catalogue without slots
(median -18.4, from -20.2 to -16.1, standard deviation 0.7 dB); tests/kiosk/test_recording.py
measures it again and fails if it moves by more than 1.5 dB.
Peaks above -1 dBFS are softly limited so a loud speaker does not clip.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import numpy as np

from kiosk.speech.packs import Pack, RecordedPrompt, take_file, word_file
from kiosk.speech.prompts import Catalogue, load_catalogue

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000  # the packs' rate (packs.SAMPLE_RATE)
TARGET_LEVEL_DBFS = -18.5
PEAK_LIMIT = 10 ** (-1 / 20)  # -1 dBFS
FRAME_SECONDS = 0.02
ACTIVE_RANGE_DB = 35.0  # frames this far below the loudest still count as speech
MARGIN_SECONDS = 0.06  # kept around the speech so soft onsets and endings are not clipped
MIN_SPEECH_FRAMES = 4  # 80 ms: shorter bursts (a click, a tap on the desk) are not speech
FLOOR_DBFS = -60.0
DECODE_TIMEOUT_SECONDS = 30
MAX_TAKE_SECONDS = 60


class TakeError(ValueError):
    """A take that cannot be used; the message can be shown to the person recording."""


# -- decoding --------------------------------------------------------------------------------

def decode(data: bytes) -> Tuple[np.ndarray, int]:
    """Browser audio -> (float32 mono samples in [-1, 1], sample rate)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return read_wav_bytes(data)
    return decode_with_ffmpeg(data), SAMPLE_RATE


def read_wav_bytes(data: bytes) -> Tuple[np.ndarray, int]:
    """PCM 8/16/24/32-bit and float 32/64 WAVs, any channel count (the wave module reads
    only integer PCM, and Web Audio recorders write float)."""
    position, fmt, samples = 12, None, None
    while position + 8 <= len(data):
        chunk, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        body = data[position + 8:position + 8 + size]
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
            if fmt[0] == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the subformat says
                fmt = (struct.unpack("<H", body[24:26])[0], *fmt[1:])
        elif chunk == b"data":
            samples = body
        position += 8 + size + (size & 1)
    if fmt is None or samples is None:
        raise TakeError("the recording is not a complete WAV file")
    tag, channels, rate, _, _, bits = fmt
    width = bits // 8
    usable = len(samples) // (width * channels) * width * channels
    raw = samples[:usable]
    if tag == 3 and bits in (32, 64):
        values = np.frombuffer(raw, dtype="<f4" if bits == 32 else "<f8").astype(np.float32)
    elif tag == 1 and bits == 8:
        values = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128) / 128
    elif tag == 1 and bits in (16, 32):
        values = np.frombuffer(raw, dtype="<i2" if bits == 16 else "<i4").astype(np.float32) / 2 ** (bits - 1)
    elif tag == 1 and bits == 24:
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = ((triples[:, 0] | triples[:, 1] << 8 | triples[:, 2] << 16) << 8 >> 8).astype(np.float32) / 2 ** 23
    else:
        raise TakeError(f"WAV format {tag} with {bits}-bit samples is not supported")
    if channels < 1 or rate < 8000:
        raise TakeError("the WAV file has no usable audio")
    return values.reshape(-1, channels).mean(axis=1).astype(np.float32), int(rate)


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def decode_with_ffmpeg(data: bytes) -> np.ndarray:
    """WebM/Opus, Ogg, MP4/AAC ... -> 16 kHz mono float32, by ffmpeg (from a temporary file:
    a MediaRecorder WebM has no index, and a file lets ffmpeg look at it as it needs)."""
    if not ffmpeg_available():
        raise TakeError("this recording needs ffmpeg to decode it (scripts/system-packages.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="kiosk-take-") as folder:
        source = Path(folder) / "take"
        source.write_bytes(data)
        command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(source),
                   "-t", str(MAX_TAKE_SECONDS), "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            raise TakeError("the recording took too long to decode") from error
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TakeError(f"the recording could not be decoded ({message[-1] if message else 'no audio'})")
    return np.frombuffer(done.stdout, dtype=np.int16).astype(np.float32) / 32768


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling by FFT, keeping the dtype (int16 stays int16). Whole takes and
    phrases are short, so one transform is fast and needs nothing beyond numpy."""
    if rate == target or len(samples) == 0:
        return samples
    # Zero-padded to rate/gcd x a power of two: both transforms then have only small factors
    # (a prime-length FFT is 50x slower), and the padding keeps the ends from wrapping round.
    step, out_step = rate // math.gcd(rate, target), target // math.gcd(rate, target)
    blocks = 1 << max(0, math.ceil(math.log2(max(1.0, len(samples) / step))))
    padded, length = step * blocks, out_step * blocks
    spectrum = np.fft.rfft(samples.astype(np.float64), n=padded)
    keep = min(len(spectrum), length // 2 + 1)
    resized = np.zeros(length // 2 + 1, dtype=complex)
    resized[:keep] = spectrum[:keep]
    out = np.fft.irfft(resized, n=length)[:max(1, int(round(len(samples) * target / rate)))] * (length / padded)
    if np.issubdtype(samples.dtype, np.integer):
        return np.clip(np.round(out), -32768, 32767).astype(samples.dtype)
    return out.astype(samples.dtype)


# -- measuring, trimming, levelling -------------------------------------------------------------

def frame_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """dBFS of each 20 ms frame of float samples in [-1, 1]."""
    size = max(1, int(rate * FRAME_SECONDS))
    count = len(samples) // size
    if count == 0:
        return np.full(1, FLOOR_DBFS - 40)
    frames = samples[:count * size].astype(np.float64).reshape(count, size)
    return 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)


def as_float(samples: np.ndarray) -> np.ndarray:
    return samples.astype(np.float32) / 32768 if np.issubdtype(samples.dtype, np.integer) else samples


def speech_level_dbfs(samples: np.ndarray, rate: int) -> float:
    """The active speech level (see the module docstring) of int16 or float samples."""
    values = as_float(samples)
    levels = frame_levels(values, rate)
    active = levels >= max(levels.max() - ACTIVE_RANGE_DB, FLOOR_DBFS)
    if not active.any():
        return float(levels.max())
    return float(10 * np.log10(np.mean(10 ** (levels[active] / 10))))


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    """Keep from the first to the last run of speech frames, with a margin either side.

    Speech is a frame above both the noise floor + 12 dB and the loudest frame - 40 dB, in a
    run of at least MIN_SPEECH_FRAMES, so the click of the record button is cut too."""
    levels = frame_levels(samples, rate)
    floor = float(np.percentile(levels, 10))
    threshold = max(floor + 12, levels.max() - 40, FLOOR_DBFS)
    loud = levels > threshold
    runs, start = [], None
    for index, flag in enumerate([*loud, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            if index - start >= MIN_SPEECH_FRAMES:
                runs.append((start, index))
            start = None
    if not runs:
        raise TakeError("no speech was heard in the recording; please record it again")
    size, margin = int(rate * FRAME_SECONDS), int(rate * MARGIN_SECONDS)
    first, last = runs[0][0] * size, runs[-1][1] * size
    return samples[max(0, first - margin):min(len(samples), last + margin)]


def normalise(samples: np.ndarray, rate: int, target_dbfs: float = TARGET_LEVEL_DBFS) -> np.ndarray:
    """Float samples at the target speech level, peaks softly limited below -1 dBFS."""
    out = samples.astype(np.float64)
    for _ in range(3):  # limiting lowers the level a little: correct for it
        out = out * 10 ** ((target_dbfs - speech_level_dbfs(out, rate)) / 20)
        out = _limit(out)
    return out.astype(np.float32)


def _limit(samples: np.ndarray, knee: float = 0.6) -> np.ndarray:
    """Above the knee, compress smoothly towards PEAK_LIMIT (tanh), below it leave alone."""
    magnitude = np.abs(samples)
    over = magnitude > knee
    if not over.any():
        return samples
    room = PEAK_LIMIT - knee
    squeezed = knee + room * np.tanh((magnitude[over] - knee) / room)
    out = samples.copy()
    out[over] = np.sign(samples[over]) * squeezed
    return out


@dataclass(frozen=True)
class Take:
    """A processed take, ready to store: what the console shows after 保留 (keep)."""

    samples: np.ndarray  # int16, 16 kHz mono
    seconds: float
    level_dbfs: float
    trimmed_seconds: float  # silence cut from the ends
    clipped: bool  # the original was clipped: suggest recording again further from the microphone


def process_take(data: bytes) -> Take:
    """Decode, mono 16 kHz, trim, normalise: a pure function of the uploaded bytes."""
    samples, rate = decode(data)
    if len(samples) > MAX_TAKE_SECONDS * rate:
        raise TakeError(f"a take may be at most {MAX_TAKE_SECONDS} s long")
    clipped = bool(np.mean(np.abs(samples) > 0.999) > 0.001)
    samples = resample(samples - float(np.mean(samples)) if len(samples) else samples, rate, SAMPLE_RATE)
    trimmed = trim_silence(samples, SAMPLE_RATE)
    levelled = normalise(trimmed, SAMPLE_RATE)
    pcm = np.clip(np.round(levelled * 32767), -32768, 32767).astype(np.int16)
    return Take(pcm, len(pcm) / SAMPLE_RATE, speech_level_dbfs(pcm, SAMPLE_RATE),
                (len(samples) - len(trimmed)) / SAMPLE_RATE, clipped)


def level_of_file(path: Path) -> Optional[float]:
    """The speech level of a WAV file, for reports; None when it cannot be read."""
    try:
        samples, rate = read_wav_bytes(path.read_bytes())
    except (OSError, TakeError, struct.error, ValueError):
        return None
    return speech_level_dbfs(samples, rate)


# -- storing (the console's recording page calls these) -------------------------------------------

def store_take(pack: Pack, prompt_key: str, data: bytes, part: Optional[int] = None,
               catalogue: Optional[Catalogue] = None) -> Take:
    """Process a browser take and keep it as one fixed part of a prompt in `pack`.

    `part` is the part index from the catalogue's takes (None: the prompt's only one). The
    speaker's consent must already be in the pack: nobody's voice is stored without it."""
    if pack.consent is None:
        raise TakeError("record the speaker's consent before storing their voice")
    prompt = (catalogue or load_catalogue()).get(prompt_key)
    if prompt is None:
        raise TakeError(f"no prompt {prompt_key} in the catalogue (it may have changed: reload the page)")
    indexes = [index for index, _ in prompt.takes]
    if part is None and len(indexes) == 1:
        part = indexes[0]
    if part not in indexes:
        raise TakeError(f"prompt {prompt_key} is recorded in parts {indexes}; part {part} is not one of them")
    take = process_take(data)
    with pack.editing():
        name = take_file(prompt.key, part)
        pack.add_file(name, take.samples)
        entry = pack.prompts.get(prompt.key)
        if entry is None:
            entry = pack.prompts[prompt.key] = RecordedPrompt(prompt.key, prompt.text, [], {})
        entry.ids = list(prompt.ids)
        entry.parts[part] = name
    return take


def store_word(pack: Pack, word: str, data: bytes) -> Take:
    """Keep a recorded number, unit or place word (三, 元, 尾号, 章贡区) for joining slots."""
    if pack.consent is None:
        raise TakeError("record the speaker's consent before storing their voice")
    if not word.strip():
        raise TakeError("which word is this?")
    take = process_take(data)
    with pack.editing():
        name = word_file(word)
        pack.add_file(name, take.samples)
        pack.words[word] = name
    return take
