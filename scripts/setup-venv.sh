#!/usr/bin/env sh
# Create a virtual environment for one Python version and install its pinned lock, again
# only when the lock changed:  setup-venv.sh DIR PYTHON_VERSION LOCK_FILE
#   .venv       3.11  requirements/kiosk.txt   kiosk, action server, console, sandbox, tests
#   .venv-rasa  3.10  requirements/rasa.txt    the Rasa server alone
set -eu
cd "$(dirname "$0")/.."
venv="${1:?usage: setup-venv.sh DIR VERSION LOCK}"
version="${2:?}"
lock="${3:?}"
PYTHON=$(sh scripts/find-python.sh "$version")
major=${version%%.*}
minor=${version#*.}
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c "import sys; sys.exit(sys.version_info[:2] != ($major, $minor))" 2>/dev/null; then
  echo "Replacing $venv: it is not Python $version"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv with $PYTHON"
  "$PYTHON" -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
wanted=$(sha256sum "$lock" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "Installing the pinned packages of $lock into $venv (first time: a few minutes)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade "pip==24.0"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$lock"
  "$venv/bin/python" -m pip check
  echo "$wanted" > "$stamp"
fi
