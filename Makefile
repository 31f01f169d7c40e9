# 长者服务助手 / Elder Service Assistant
# `make run` starts the kiosk; `make test` runs every test. Both set up what they need first.
#
# Two environments: .venv (Python 3.11) runs everything but Rasa; .venv-rasa (Python 3.10,
# the only Python Rasa 3.6 supports) runs the Rasa server, training and `rasa test`.

PY := .venv/bin/python
RASA_PY := .venv-rasa/bin/python
RASA := $(RASA_PY) -m nlu.rasa_main
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# Worker processes for `make test` (pytest-xdist): much of the suite waits on services, windows
# and timeouts rather than the CPU, so on two cores three workers take a third of the time one
# does (docs/benchmarks.md, "The test suite").
TEST_WORKERS ?= 3

.PHONY: help setup train run services terminal test test-fast lint validate bench icons clean nlu-data \
	nlu-report dialogue-test fleet-up fleet-down bench-fleet bundle

help:  ## list the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## Debian packages, .venv (Python 3.11) and .venv-rasa (Python 3.10) with their pinned packages
	@sh scripts/system-packages.sh
	@sh scripts/setup-venvs.sh

train: setup  ## train the Rasa model if nlu/ changed since the last training
	@$(PY) main.py train

run: train  ## start everything and open the kiosk (the terminal conversation where there is no display)
	@$(PY) main.py run

services: train  ## start the portal sandbox, action server and Rasa, no window
	@$(PY) main.py run --no-kiosk

terminal: train  ## the conversation in this terminal (services must be running)
	@$(PY) main.py terminal

test: train  ## the whole test suite (starts its own services and Xvfb)
	@$(RASA_PY) -m pytest --noconftest tests/nlu/components
	@$(PY) -m pytest -n $(TEST_WORKERS) --no-loadscope-reorder

test-fast: setup  ## the tests that need no trained model and no window: registry, actions, controller, parsers
	@$(PY) -m pytest -m "not services and not ui" --ignore=tests/nlu/components

lint: setup  ## ruff
	@$(PY) -m ruff check .

validate: setup  ## rasa data validate
	@$(RASA) data validate --config nlu/config.yml --domain nlu/domain --data nlu/data

dialogue-test: train  ## rasa test on nlu/tests/test_stories.yml, failing on any prediction error
	@$(RASA) test core --stories nlu/tests/test_stories.yml --model models --out data/rasa-test \
		--fail-on-prediction-errors --no-plot

nlu-data: setup  ## regenerate the generated training data and domain parts (from common/errands.py)
	@$(PY) nlu/tools/make_domain.py
	@$(PY) nlu/tools/make_phrasings.py
	@$(PY) nlu/tools/make_asr_data.py

nlu-report: setup  ## intents and entities on held-out, misheard and blind sentences: docs/nlu-report.md
	@$(RASA_PY) nlu/tools/nlu_report.py

bench: train  ## start-up, reply latency, memory, a hanging portal, injected faults; writes docs/benchmarks.md
	@$(PY) bench/run_bench.py
	@$(PY) bench/faults_bench.py

fleet-up: train  ## a city's central dialogue service here: nginx, Rasa x N, PostgreSQL, Redis (config: fleet)
	@$(PY) main.py fleet up

fleet-down:  ## stop what fleet-up started
	@$(PY) main.py fleet down

bench-fleet: train  ## errands/s and latency against 1, 2 and 4 Rasa instances, and with one killed
	@$(PY) bench/fleet_bench.py

bundle: train  ## one offline archive for kiosk PCs (code, both Pythons, wheels, model) in dist/
	@$(PY) main.py bundle --out dist

icons: setup  ## redraw the pictograms in assets/icons
	@$(PY) scripts/draw_icons.py

clean:  ## remove trained models, data and test output (keeps the environments)
	rm -rf models data tests/output .pytest_cache
