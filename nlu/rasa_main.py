"""Rasa's own command line, run in the Rasa environment (.venv-rasa, Python 3.10), without
TensorFlow unless a component really needs it.

The kiosk's pipeline and policies use no neural component (nlu/config.yml), yet Rasa 3.6
imports TensorFlow whenever a policy or entity extractor is imported: two modules on that
path import it at module level only to define training helpers (a Keras callback and a Keras
data generator). Importing TensorFlow costs about 8 s and 1 GiB of memory on a kiosk PC, for
nothing. So before Rasa starts, those two modules are replaced by stand-ins whose classes
load the real module the first time one is actually built (the NLU report's DIET variant
still trains). `python -X importtime` on `rasa run` shows no tensorflow module afterwards;
tests/nlu/components/test_rasa_main.py checks it.

Everything else is exactly Rasa's CLI: `python -m nlu.rasa_main run --model …` is `rasa run`,
with one guard: a turn that uttered nothing answers with a plain sentence (nlu/reply_guard.py);
and three shortcuts that give Rasa's own answers with less work: JSON schemas checked once
rather than on every action call (nlu/schema_cache.py), rules narrowed by the last action
(nlu/rule_index.py), event classes found by name and slots copied directly (nlu/tracker_building.py).
Nothing here imports the kiosk's code or settings: the supervisor (Python 3.11) decides the
arguments and the environment.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import types
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping

# module -> the classes other Rasa modules import from it at import time
KERAS_ONLY_MODULES: Dict[str, Iterable[str]] = {
    "rasa.utils.tensorflow.callback": ("RasaTrainingLogger", "RasaModelCheckpoint"),
    "rasa.utils.tensorflow.data_generator": ("RasaBatchDataGenerator", "RasaDataGenerator"),
}
# Loaded with a trained model (its training graph is read back with it) but only run while
# training; it imports every neural component to check configurations against them.
TRAINING_ONLY_MODULES: Dict[str, Iterable[str]] = {
    "rasa.graph_components.validators.default_recipe_validator": ("DefaultV1RecipeValidator",),
}


def _loader(name: str):
    real: Dict[str, types.ModuleType] = {}

    def load() -> types.ModuleType:
        if name not in real:
            package, _, _ = name.rpartition(".")
            spec = importlib.machinery.PathFinder.find_spec(name, importlib.import_module(package).__path__)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot find {name}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            real[name] = sys.modules[name] = module
        return real[name]

    return load


class _Deferred(type):
    """A stand-in class: anything asked of it (a class method, an attribute) is asked of the
    real class, which is loaded then."""

    def __getattr__(cls, attribute: str) -> Any:
        return getattr(cls._real(), attribute)


def _stand_in(load, attribute: str) -> type:
    class StandIn(metaclass=_Deferred):
        """Builds the real class on first use (training a neural component)."""

        @staticmethod
        def _real() -> type:
            return getattr(load(), attribute)

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return cls._real()(*args, **kwargs)

    StandIn.__name__ = StandIn.__qualname__ = attribute
    StandIn.__module__ = "nlu.rasa_main"
    return StandIn


def defer_tensorflow(serving: bool = False) -> None:
    """Install the stand-ins; harmless if Rasa (or TensorFlow) is already imported.
    `serving`: also the training-only modules (`rasa run` never builds them)."""
    deferred = {**KERAS_ONLY_MODULES, **(TRAINING_ONLY_MODULES if serving else {})}
    for name, attributes in deferred.items():
        if name in sys.modules:
            continue
        module = types.ModuleType(name, "stand-in: see nlu/rasa_main.py")
        load = _loader(name)
        for attribute in attributes:
            setattr(module, attribute, _stand_in(load, attribute))
        sys.modules[name] = module


REPO_ROOT = Path(__file__).resolve().parent.parent


def rasa_environment() -> Dict[str, str]:
    """Environment for any Rasa process: offline, no telemetry, less noise, the repository
    importable (the custom components, common/)."""
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONHASHSEED": "0",
        "TF_DETERMINISTIC_OPS": "1",
        "TQDM_DISABLE": "1",  # training progress bars would flood the logs
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    })
    return env


def rasa_arguments(argv: List[str], environ: Mapping[str, str]) -> List[str]:
    """`--auth-token-env NAME` becomes Rasa's `--auth-token VALUE`, inside this process only:
    the token never appears on a command line another local user can read."""
    out, words = [], iter(argv)
    for word in words:
        if word == "--auth-token-env":
            name = next(words, "")
            if not environ.get(name):
                raise SystemExit(f"--auth-token-env: {name or '(missing)'} is not set")
            out.append(f"--auth-token={environ[name]}")  # one word: a token may begin with "-"
        else:
            out.append(word)
    return out


def main() -> None:
    arguments = rasa_arguments(sys.argv[1:], os.environ)
    serving = arguments[:1] == ["run"]
    defer_tensorflow(serving=serving)
    if serving:
        from nlu import reply_guard, schema_cache

        reply_guard.install()  # no turn answered with nothing (nlu/reply_guard.py)
        schema_cache.install()  # each JSON schema checked once, not on every turn (nlu/schema_cache.py)
    if serving or arguments[:1] == ["test"]:  # predicting with a trained model, not training one
        from nlu import rule_index, tracker_building

        rule_index.install()  # only the rules that may apply are checked (nlu/rule_index.py)
        tracker_building.install()  # event classes by name, slots copied directly (nlu/tracker_building.py)
    from rasa.__main__ import main as rasa_cli

    sys.argv = ["rasa", *arguments]
    rasa_cli()


if __name__ == "__main__":
    main()
