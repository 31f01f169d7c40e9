"""`python main.py voice-pack prompts|coverage|import`, as staff run them at a kiosk and as an
engineer runs them after changing a sentence."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from config.settings import REPO_ROOT
from kiosk.speech.prompts import load_catalogue
from runtime.supervisor import main_py
from tests.kiosk.voice_pack_files import build_pack

WHAT_ELSE = "您还想办别的事吗？请点一下，或者直接说。"  # one of the kiosk's own sentences (core.yml)


@pytest.fixture
def run(tmp_path):
    settings_file = tmp_path / "kiosk.yaml"
    settings_file.write_text(f'paths:\n  data_dir: "{tmp_path}/data"\n  log_dir: "{tmp_path}/logs"\n',
                             encoding="utf-8")
    env = {**os.environ, "ELDER_CONFIG": str(settings_file)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(main_py("voice-pack", *args), cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                              timeout=120)

    return run


def test_import_then_coverage(run, tmp_path: Path):
    stick = tmp_path / "usb"
    build_pack(stick, load_catalogue(), [WHAT_ELSE], ["三"], pack_id="hakka-yudu", name="客家话·于都",
               language="hak")
    done = run("import", str(stick / "hakka-yudu"))
    assert done.returncode == 0 and "imported 客家话·于都" in done.stdout, done.stderr
    again = run("import", str(stick / "hakka-yudu"))
    assert again.returncode == 1 and "--replace" in again.stderr
    assert run("import", str(stick / "hakka-yudu"), "--replace").returncode == 0
    report = json.loads(run("coverage", "--json").stdout)
    assert report[0]["pack"] == "hakka-yudu" and report[0]["total"] == len(load_catalogue().prompts)
    assert len(report[0]["recorded"]) == 1 and "三" not in report[0]["words_missing"]
    text = run("coverage", "hakka-yudu").stdout
    assert "客家话·于都 (hakka-yudu, hak)" in text and "recorded 1 /" in text


def test_prompts_prints_the_catalogue_read_from_the_sources(run):
    printed = json.loads(run("prompts").stdout)
    assert printed["format"] == 1 and any(p["text"] == WHAT_ELSE for p in printed["prompts"])
