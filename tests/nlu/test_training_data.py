"""Rasa's own checks of the domain, rules and stories (`rasa data validate`): training skips
them to save a second read of the data (runtime/training.py), so they run here, and a
contradiction between two stories or a missing response fails the suite."""

from __future__ import annotations

import re
import subprocess

from config import get_settings
from config.settings import REPO_ROOT
from runtime.services import rasa_command
from runtime.training import quiet_rasa_env

# Rasa only warns, and exits 0, when a story or rule names an intent, action, form, utterance or
# slot the domain lacks; training would then fail, or the kiosk would say nothing at that step.
UNDEFINED = re.compile(r"is not listed in|is not a valid utterance action|is not present in the domain")


def test_rasa_finds_nothing_wrong_in_the_training_data():
    settings = get_settings()
    project = settings.dialogue.project_dir
    result = subprocess.run(
        rasa_command(settings, "data", "validate", "--config", f"{project}/config.yml",
                     "--domain", f"{project}/domain", "--data", f"{project}/data"),
        cwd=REPO_ROOT, env=quiet_rasa_env(), capture_output=True, text=True, timeout=600)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said[-3000:]
    assert "No story structure conflicts found" in said
    assert not [line for line in said.splitlines() if UNDEFINED.search(line)]
