#!/usr/bin/env sh
# Print the path of a working Python of the version asked for: find-python.sh 3.10 | 3.11
#   3.10: the Rasa environment (Rasa 3.6.21 supports nothing newer)
#   3.11: the kiosk environment (Debian 12's own Python; the lock is built on it)
# Order: pythonX.Y on PATH that really runs (a pyenv shim may not), then pyenv's versions,
# then the usual system places. Fails with what to install.
set -u
want="${1:?usage: find-python.sh 3.10|3.11}"
major=${want%%.*}
minor=${want#*.}
works() {
  [ -x "$1" ] && "$1" -c "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != ($major, $minor))" >/dev/null 2>&1
}
# The interpreter itself, not a shim in front of it (a venv must not depend on the shim).
found() { "$1" -c 'import sys; print(sys.executable)'; exit 0; }

if command -v "python$want" >/dev/null 2>&1; then
  candidate=$(command -v "python$want")
  if works "$candidate"; then found "$candidate"; fi
fi
roots=""
if command -v pyenv >/dev/null 2>&1; then roots=$(pyenv root 2>/dev/null); fi
for root in $roots "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
  [ -n "$root" ] || continue
  for candidate in "$root"/versions/"$want".*/bin/python"$want"; do
    if works "$candidate"; then found "$candidate"; fi
  done
done
for candidate in "/usr/bin/python$want" "/usr/local/bin/python$want"; do
  if works "$candidate"; then found "$candidate"; fi
done
case "$want" in
  3.10) why="Rasa 3.6.21 runs on Python 3.10 only (the Rasa server's environment)." ;;
  *) why="The kiosk, console, sandbox and action server run on Python $want." ;;
esac
cat >&2 <<MSG
error: Python $want with venv was not found.
  $why Install it, then run the command again:
    pyenv install $want                                (with pyenv)
    sudo apt-get install python$want python$want-venv   (where your distribution has it)
MSG
exit 1
