#!/usr/bin/env sh
# Install the Debian packages the kiosk needs when any is missing.
# postgresql, redis-server and nginx serve the city-scale fleet (make fleet-up) and its tests.
# As root: apt-get installs them. Otherwise: print the exact command and stop.
set -eu
PACKAGES="espeak-ng libespeak-ng1 sox libsox-fmt-all xvfb xauth libportaudio2 fonts-noto-cjk fonts-wqy-microhei libgl1 libgl1-mesa-dri libegl1 libmtdev1 libxrender1 chromium chromium-driver postgresql redis-server nginx"
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
