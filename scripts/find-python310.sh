#!/usr/bin/env sh
# Print the path of a working Python 3.10 (Rasa 3.6.21 supports nothing newer).
# Order: a python3.10 on PATH that really runs (a pyenv shim may not), then pyenv's versions.
set -u
works() { [ -x "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

if command -v python3.10 >/dev/null 2>&1; then
  candidate=$(command -v python3.10)
  if works "$candidate"; then echo "$candidate"; exit 0; fi
fi
roots=""
if command -v pyenv >/dev/null 2>&1; then roots=$(pyenv root 2>/dev/null); fi
for root in $roots "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
  [ -n "$root" ] || continue
  for candidate in "$root"/versions/3.10.*/bin/python3.10; do
    if works "$candidate"; then echo "$candidate"; exit 0; fi
  done
done
for candidate in /usr/bin/python3.10 /usr/local/bin/python3.10; do
  if works "$candidate"; then echo "$candidate"; exit 0; fi
done
cat >&2 <<'MSG'
error: Python 3.10 with venv was not found.
  Rasa 3.6.21 runs on Python 3.10 only. Install it, then run the command again:
    pyenv install 3.10.13            (with pyenv)
    sudo apt-get install python3.10 python3.10-venv   (where your distribution has it)
MSG
exit 1
