#!/usr/bin/env sh
# Create .venv with Python 3.10 and install the pinned requirements when they changed.
set -eu
cd "$(dirname "$0")/.."
PYTHON=$(sh scripts/find-python310.sh)
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  echo "Replacing .venv: it is not Python 3.10"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "Installing pinned Python packages (first time: several minutes)"
  .venv/bin/python -m pip install -q --disable-pip-version-check "pip==24.0"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements.txt
  .venv/bin/python -m pip check
  echo "$wanted" > "$stamp"
fi
