#!/usr/bin/env bash
# with-keyring.sh COMMAND [ARGS…]
# Runs COMMAND with a real, unlocked OS keychain on a headless Linux machine: a private D-Bus
# session bus and a throwaway gnome-keyring-daemon serving the Secret Service API. Nothing touches
# the user's own keyring or session. Elsewhere (macOS, Windows, or a desktop session that already
# has a Secret Service) it runs COMMAND as it is. The exit code is COMMAND's.
set -euo pipefail

if [ "$(uname -s)" != "Linux" ] || [ -n "${STUDIO_KEYRING_READY:-}" ]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring.sh: '$tool' is missing; install: sudo apt-get install gnome-keyring libsecret-tools dbus-x11" >&2
    exit 127
  fi
done

if [ -z "${STUDIO_KEYRING_BUS:-}" ]; then
  # Outer half: a scratch home for the keyring files and sockets, then re-enter inside a new bus.
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/studio-keyring.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -m 700 -p "$scratch/data" "$scratch/runtime"
  status=0
  STUDIO_KEYRING_BUS=1 XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" \
    dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi

# Inner half, on the private bus: start the daemon with an unlocked default ("login") collection.
printf '%s' "studio-test-keyring" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.05
done
STUDIO_KEYRING_READY=1 "$@"
