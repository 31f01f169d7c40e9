"""Tests of the code that runs inside Rasa (custom NLU components, the launcher): they run in
the Rasa environment (`make test` runs them with .venv-rasa/bin/python, Python 3.10).

The kiosk environment has no Rasa, so its test run leaves this folder out (pyproject.toml).
"""
