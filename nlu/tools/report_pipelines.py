"""The pipelines `make nlu-report` compares: their configurations, the training extras each
needs, and how each is trained and run.

As configured (nlu/config.yml), the same without pinyin, and the previous pipeline: b435abe's,
where DIET found the details beside a RegexEntityExtractor (three number regexes and the district
lookup) and an EntitySynonymMapper (districts' short names, two hall-service names). Those
extras are no longer in nlu/data; they are rebuilt here, from common.idnumber's districts, so the
comparison can be repeated without git history.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple
from unittest import mock

import yaml

from common.idnumber import GANZHOU_DISTRICTS
from nlu.rasa_main import rasa_environment as quiet_rasa_env
from nlu.tools.entity_scores import Pair
from nlu.tools.nlu_examples import DATA, GENERATED

REPO = Path(__file__).resolve().parent.parent.parent
LINEAR = "nlu.components.linear_intent_classifier.LinearIntentClassifier"
FULL = "as configured"
NO_SOUNDS = "without pinyin (no sounds in the linear model)"
PREVIOUS = "previous: DIET, regexes and lookups for details (b435abe)"


def current_extras() -> List[Dict[str, Any]]:
    """The regexes, lookups and synonyms in the data today, as they are."""
    extras = []
    for path in DATA.glob("*.yml"):
        if path.name not in GENERATED:
            extras += [item for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", [])
                       if "intent" not in item]
    return extras


def block(lines: Sequence[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)


def previous_extras() -> List[Dict[str, Any]]:
    """What b435abe's nlu/data/nlu/{identity,hotline,appointment}.yml held beside the examples:
    three number regexes, the district lookup (full names, then without 区/县/市) and synonyms
    from the short names and two hall-service names. Rebuilt from common.idnumber's districts,
    in the same order, so the comparison does not depend on git history."""
    full = list(GANZHOU_DISTRICTS.values())
    return [
        {"regex": "id_number", "examples": block([r"(?<!\d)\d{17}[\dXx](?![\dXx])"])},
        {"regex": "phone_number", "examples": block([r"(?<!\d)1[3-9]\d{9}(?!\d)"])},
        {"regex": "case_number", "examples": block([r"(?<!\d)\d{16}(?!\d)"])},
        {"lookup": "district", "examples": block(full + [name[:-1] for name in full])},
        *({"synonym": name, "examples": block([name[:-1]])} for name in full),
        {"synonym": "高龄补贴申请", "examples": block(["高龄补贴"])},
        {"synonym": "老年人优待证", "examples": block(["优待证"])},
    ]


Pipeline = List[Dict[str, Any]]

# b435abe's nlu/config.yml pipeline, step for step: DIET for entities only, the linear model
# for intents, regexes and the lookup beside DIET, synonyms after.
PREVIOUS_PIPELINE: Pipeline = [
    {"name": "JiebaTokenizer", "dictionary_path": "nlu/jieba"},
    {"name": "RegexFeaturizer", "case_sensitive": False, "use_word_boundaries": False},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char", "min_ngram": 1, "max_ngram": 3},
    {"name": "DIETClassifier", "epochs": 80, "number_of_transformer_layers": 1, "transformer_size": 128,
     "random_seed": 20261124, "constrain_similarities": True, "intent_classification": False,
     "entity_recognition": True},
    {"name": LINEAR, "C": 100.0, "mask_details": False},  # b435abe's model read details as words
    {"name": "RegexEntityExtractor", "use_lookup_tables": True, "use_regexes": True, "use_word_boundaries": False},
    {"name": "EntitySynonymMapper"},
    {"name": "FallbackClassifier", "threshold": 0.5, "ambiguity_threshold": 0.08},
    {"name": "nlu.components.mumble_guard.MumbleGuard"},
]


def config_variant(folder: Path, name: str, change: Callable[[Pipeline], Pipeline]) -> Path:
    config = yaml.safe_load((REPO / "nlu" / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = change(config["pipeline"])
    path = folder / f"config-{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def without_sounds(pipeline: Pipeline) -> Pipeline:
    return [{**step, "sound_ngrams": 0} if step["name"] == LINEAR else step for step in pipeline]


def variants(folder: Path, data: Path, previous_data: Path) -> Dict[str, Tuple[Path, Path]]:
    """name -> (config, training data): as configured, without pinyin, the previous pipeline."""
    return {FULL: (REPO / "nlu" / "config.yml", data),
            NO_SOUNDS: (config_variant(folder, "no-sounds", without_sounds), data),
            PREVIOUS: (config_variant(folder, "previous", lambda _steps: PREVIOUS_PIPELINE), previous_data)}


def train(config: Path, data: Path, out: Path, name: str) -> Tuple[Path, float]:
    """Trained from an empty cache, so every variant's time is from nothing. The seconds go with
    the machine's load when training began (other work on a 2-core machine slows DIET most)."""
    env = {**quiet_rasa_env(), "RASA_CACHE_DIRECTORY": str(out / f"cache-{name}")}
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "nlu.rasa_main", "train", "nlu", "--config", str(config), "--nlu", str(data),
                    "--out", str(out), "--fixed-model-name", name], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out / f"{name}.tar.gz", time.monotonic() - began


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


Parse = Tuple[str, List[Pair]]  # intent, (entity, value) found


@contextmanager
def details_dated(today: Optional[date]) -> Iterator[None]:
    """The DetailExtractor tags (and the intent model blanks) only the days that resolve against
    date.today(); the test files are written for their own `today`, so both are given that day
    while they are parsed (DIET and the regexes do not look at the date)."""
    try:
        from nlu.components import detail_extractor, linear_intent_classifier
    except ImportError:
        detail_extractor = linear_intent_classifier = None
    if today is None or detail_extractor is None:
        yield
        return
    if not hasattr(detail_extractor, "date"):
        print(f"warning: DetailExtractor's days are resolved against the real today, not {today}: "
              "its figures for days may drift", file=sys.stderr, flush=True)
        yield
        return

    class Pinned(date):
        @classmethod
        def today(cls) -> date:
            return today

    # The intent model blanks the details it is given (against today) before it reads a sentence.
    with mock.patch.object(detail_extractor, "date", Pinned), \
            mock.patch.object(linear_intent_classifier, "date", Pinned):
        yield


def parse(model: Path, batches: Sequence[Tuple[Sequence[str], Optional[date]]]) -> List[List[Parse]]:
    """Each batch of texts parsed by the model, its details dated by the batch's today."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> List[List[Parse]]:
        parsed = []
        for texts, today in batches:
            with details_dated(today):
                results = [await agent.parse_message(text) for text in texts]
            parsed.append([(result["intent"]["name"], [(str(e["entity"]), str(e["value"]))
                                                       for e in result.get("entities", [])]) for result in results])
        return parsed

    return asyncio.run(run())
