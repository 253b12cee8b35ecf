#!/usr/bin/env bash
# Installs the system packages the tests use, idempotently: each is skipped when already on the machine.
#   redis-server                          the Redis store's tests
#   chromium                              the browser login tests
#   python3-requests-oauthlib             the sandbox's compatibility test (the classic Python recipe)
#   gnome-keyring, dbus, libsecret-tools  the keychain store's tests (a private Secret Service;
#                                         dbus-daemon, gdbus and secret-tool drive it)
#   kubernetes-client (optional)          kubectl, for the exec-credential case of the bridges test (skipped
#                                         with a note without it); Debian's 1.20 speaks v1beta1
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
optional=()
command -v kubectl >/dev/null 2>&1 || optional+=(kubernetes-client)
if [ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ]; then
  echo "setup-test-deps: redis-server, chromium, python3-requests-oauthlib, gnome-keyring, dbus and libsecret-tools already installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-test-deps: installing ${need[*]} ${optional[*]} (Debian packages)"
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
if [ ${#need[@]} -gt 0 ]; then
  retry $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "setup-test-deps: installed ${need[*]}"
fi
# Optional: a missing package here only skips the test case that uses it.
if [ ${#optional[@]} -gt 0 ]; then
  $sudo apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null &&
    echo "setup-test-deps: installed ${optional[*]}" ||
    echo "setup-test-deps: could not install ${optional[*]} (optional: the kubectl case is skipped)" >&2
fi
