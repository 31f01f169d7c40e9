#!/usr/bin/env sh
# Both environments at once (scripts/setup-venv.sh for each). An install mostly waits on
# unpacking and writing files, so the two side by side take about as long as the larger one
# alone: from nothing on two cores, 88 s instead of 56 s + 88 s one after the other. Each
# one's output is shown whole when it ends, not interleaved; either failing fails the setup.
set -eu
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
sh scripts/setup-venv.sh .venv 3.11 requirements/kiosk.txt >"$logs/kiosk" 2>&1 &
kiosk=$!
sh scripts/setup-venv.sh .venv-rasa 3.10 requirements/rasa.txt >"$logs/rasa" 2>&1 &
rasa=$!
failed=""
wait "$kiosk" || failed=".venv"
cat "$logs/kiosk"
wait "$rasa" || failed="$failed .venv-rasa"
cat "$logs/rasa"
if [ -n "$failed" ]; then
  echo "Setting up$(echo " $failed" | tr -s ' ') failed: see the messages above." >&2
  exit 1
fi
