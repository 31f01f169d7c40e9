"""The model is retrained when anything it was trained from changes, the custom components'
code included, and only then (runtime/training.py)."""

import shutil
from pathlib import Path

from config.settings import REPO_ROOT
from runtime.training import training_hash


def copy_of_project(tmp_path: Path) -> Path:
    project = tmp_path / "nlu"
    shutil.copytree(REPO_ROOT / "nlu", project, ignore=shutil.ignore_patterns("__pycache__"))
    return project


def test_a_change_to_a_component_or_the_data_means_training_again(tmp_path: Path):
    project = copy_of_project(tmp_path)
    before = training_hash(project)
    component = project / "components" / "linear_intent_classifier.py"
    component.write_text(component.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after_component = training_hash(project)
    data = project / "data" / "nlu" / "core.yml"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len({before, after_component, training_hash(project)}) == 3


def test_tools_and_test_sets_do_not(tmp_path: Path):
    project = copy_of_project(tmp_path)
    before = training_hash(project)
    (project / "tools" / "nlu_report.py").write_text("# changed\n", encoding="utf-8")
    (project / "tests" / "blind_test.yml").write_text("examples: {}\n", encoding="utf-8")
    assert training_hash(project) == before
