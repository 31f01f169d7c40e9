"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything that shapes it (pipeline, domain,
training data, Jieba words, Rasa's version), so "is the model current?" is a file lookup
and a fresh clone trains exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from pathlib import Path
from typing import Iterable, List

from config import ConfigError, Settings
from config.settings import REPO_ROOT
from nlu.rasa_main import rasa_environment as quiet_rasa_env

logger = logging.getLogger(__name__)

# Everything the trained model depends on, the custom components' code included: a model
# trained with an older classifier must not be loaded by a newer one.
TRAINING_INPUTS = ("config.yml", "domain", "data", "jieba", "components")


def _input_files(project: Path) -> Iterable[Path]:
    for name in TRAINING_INPUTS:
        target = project / name
        if target.is_file():
            yield target
        elif target.is_dir():
            yield from sorted(p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def training_hash(project: Path) -> str:
    # The Rasa environment's whole lock (Rasa's version and everything it trains with).
    lock = REPO_ROOT / "requirements" / "rasa.txt"
    digest = hashlib.sha256(lock.read_bytes() if lock.exists() else b"")
    for path in _input_files(project):
        digest.update(str(path.relative_to(project)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    project = settings.path(settings.dialogue.project_dir)
    return settings.path(settings.dialogue.models_dir) / f"{training_hash(project)}.tar.gz"


def current_model(settings: Settings) -> Path:
    path = model_path(settings)
    if not path.exists():
        raise ConfigError(f"no trained model for the current nlu/ ({path.name}); run `make train`")
    return path


def train_command(settings: Settings, fixed_name: str) -> List[str]:
    from runtime.services import rasa_command

    project = Path(settings.dialogue.project_dir)
    return rasa_command(
        settings, "train",
        "--config", str(project / "config.yml"),
        "--domain", str(project / "domain"),
        "--data", str(project / "data"),
        "--out", settings.dialogue.models_dir,
        "--fixed-model-name", fixed_name,
        "--augmentation", "0",
        # Rasa's data checks load all the data a second time (6 s of a training); they run in
        # `make validate` and in the tests (tests/nlu/test_training_data.py) instead.
        "--skip-validation",
    )


def train_if_changed(settings: Settings, force: bool = False) -> int:
    target = model_path(settings)
    if target.exists() and not force:
        logger.info("model %s is current; not training", target.name)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    logger.info("nlu/ changed: training %s (under a minute on two cores)", target.name)
    result = subprocess.run(train_command(settings, target.name[: -len(".tar.gz")]),
                            cwd=REPO_ROOT, env=quiet_rasa_env())
    if result.returncode != 0 or not target.exists():
        logger.error("training failed (exit %s)", result.returncode)
        return result.returncode or 1
    for old in target.parent.glob("*.tar.gz"):
        if old != target:
            old.unlink()
    logger.info("trained %s", target.name)
    return 0
