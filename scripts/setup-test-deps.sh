#!/usr/bin/env bash
# Installs the system packages the tests use, idempotently: each is skipped when already on the machine.
#   redis-server                          the Redis store's tests
#   chromium                              the browser login tests
#   python3-requests-oauthlib             the sandbox's compatibility test (the classic Python recipe)
#   gnome-keyring, dbus, libsecret-tools  the keychain store's tests (a private Secret Service;
#                                         dbus-daemon, gdbus and secret-tool drive it)
# Runs as root (CI) or through sudo.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import requests_oauthlib' >/dev/null 2>&1 || need+=(python3-requests-oauthlib)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus)
command -v secret-tool >/dev/null 2>&1 || need+=(libsecret-tools)
# gdbus (libglib2.0-bin) comes with gnome-keyring's dependencies; named in case it does not.
command -v gdbus >/dev/null 2>&1 || need+=(libglib2.0-bin)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup-test-deps: redis-server, chromium, python3-requests-oauthlib, gnome-keyring, dbus and libsecret-tools already installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-test-deps: installing ${need[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
# A mirror hiccup must not turn CI red: three tries each, a few seconds apart.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    echo "setup-test-deps: '$*' failed (attempt $attempt of 3)" >&2
    sleep $((attempt * 5))
  done
  return 1
}
retry $sudo apt-get update -qq
retry $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup-test-deps: installed ${need[*]}"
