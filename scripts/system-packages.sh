#!/usr/bin/env sh
# Install the Debian packages the kiosk needs when any is missing.
# postgresql, redis-server and nginx serve the city-scale fleet (make fleet-up) and its tests.
# systemd (systemd-analyze, systemd-sysusers), cage and xwayland: the kiosk PC's units and session,
# checked by tests/install (grim: the session's screenshot; python3-seccomp: the units' system-call
# filter); patchelf makes the bundled Pythons relocatable (main.py bundle).
# ffmpeg decodes the takes browsers record for voice packs (WebM/Opus, MP4/AAC: kiosk/speech/recording.py).
# As root: apt-get installs them. Otherwise: print the exact command and stop.
set -eu
PACKAGES="espeak-ng libespeak-ng1 sox libsox-fmt-all ffmpeg xvfb xauth libportaudio2 fonts-noto-cjk fonts-wqy-microhei libgl1 libgl1-mesa-dri libegl1 libmtdev1 libxrender1 chromium chromium-driver postgresql redis-server nginx systemd patchelf cage xwayland grim python3-seccomp"
missing=""
for package in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $package" ;;
  esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages:$missing"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
else
  echo "The kiosk needs these Debian packages:$missing" >&2
  echo "Please run:  sudo apt-get install -y$missing" >&2
  echo "Then run the make command again." >&2
  exit 1
fi
