# 长者服务助手 / Elder Service Assistant
# `make run` starts the kiosk; `make test` runs every test. Both set up what they need first.

PY := .venv/bin/python
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help setup train run services console test lint validate bench icons clean nlu-data nlu-report \
	dialogue-test fleet-up fleet-down bench-fleet

help:  ## list the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## Debian packages, .venv with Python 3.10, pinned Python packages
	@sh scripts/system-packages.sh
	@sh scripts/setup-venv.sh

train: setup  ## train the Rasa model if nlu/ changed since the last training
	@$(PY) main.py train

run: train  ## start everything and open the kiosk (console where there is no display)
	@$(PY) main.py run

services: train  ## start the portal sandbox, action server and Rasa, no window
	@$(PY) main.py run --no-kiosk

console: train  ## the conversation in this terminal (services must be running)
	@$(PY) main.py console

test: train  ## the whole test suite (starts its own services and Xvfb)
	@$(PY) -m pytest

lint: setup  ## ruff
	@$(PY) -m ruff check .

validate: setup  ## rasa data validate
	@$(PY) -m rasa data validate --config nlu/config.yml --domain nlu/domain --data nlu/data

dialogue-test: train  ## rasa test on nlu/tests/test_stories.yml, failing on any prediction error
	@$(PY) -m rasa test core --stories nlu/tests/test_stories.yml --model models --out data/rasa-test \
		--fail-on-prediction-errors --no-plot

nlu-data: setup  ## regenerate the generated training data (form rules, speech-error copies)
	@$(PY) nlu/tools/make_form_rules.py
	@$(PY) nlu/tools/make_phrasings.py
	@$(PY) nlu/tools/make_asr_data.py

nlu-report: setup  ## held-out and speech-error accuracy, and what pinyin and the linear model add: docs/nlu-report.md
	@$(PY) nlu/tools/nlu_report.py

bench: train  ## measure start-up, reply latency and memory; writes docs/benchmarks.md
	@$(PY) bench/run_bench.py

fleet-up: train  ## a city's central dialogue service here: nginx, Rasa x N, PostgreSQL, Redis (config: fleet)
	@$(PY) main.py fleet up

fleet-down:  ## stop what fleet-up started
	@$(PY) main.py fleet down

bench-fleet: train  ## errands/s and latency against 1, 2 and 4 Rasa instances, and with one killed
	@$(PY) bench/fleet_bench.py

icons: setup  ## redraw the pictograms in assets/icons
	@$(PY) scripts/draw_icons.py

clean:  ## remove trained models, data and test output (keeps .venv)
	rm -rf models data tests/output .pytest_cache
