"""`rasa test` on the test stories: every errand's happy path and detours are predicted
exactly as written (the trained model, the real Rasa policies)."""

from __future__ import annotations

import subprocess

from config import get_settings
from config.settings import REPO_ROOT
from runtime.services import rasa_command
from runtime.training import current_model, quiet_rasa_env


def test_every_story_is_predicted_without_errors(tmp_path):
    settings = get_settings()
    model = current_model(settings)
    result = subprocess.run(
        rasa_command(settings, "test", "core", "--stories", "nlu/tests/test_stories.yml",
                     "--model", str(model), "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot"),
        cwd=REPO_ROOT, env=quiet_rasa_env(), capture_output=True, text=True, timeout=900)
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, details
