#!/usr/bin/env bash
# Installs the system packages the tests use (Debian's redis-server, chromium, python3-requests-oauthlib), idempotently:
# each is skipped when already on the machine. Runs as root (CI) or through sudo.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
# The sandbox's compatibility test runs the classic Python requests-oauthlib recipe against it.
/usr/bin/python3 -c 'import requests_oauthlib' >/dev/null 2>&1 || need+=(python3-requests-oauthlib)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup-test-deps: redis-server, chromium and python3-requests-oauthlib already installed"
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
