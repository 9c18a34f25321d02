#!/usr/bin/env bash
# Sets up a fresh machine for this repository: pnpm, dependencies, build.
#   bash scripts/setup.sh          what the demo and the CLI need
#   bash scripts/setup.sh --test   also the system packages the test suite uses
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_deps=false
for arg in "$@"; do
  case "$arg" in
    --test) want_test_deps=true ;;
    *) echo "setup.sh: unknown option $arg (use --test)" >&2; exit 2 ;;
  esac
done

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 10.* ]]; then
  echo "setup: installing pnpm 10 with npm"
  npm install -g pnpm@10 --no-audit --no-fund --loglevel=error
fi

if $want_test_deps; then
  # Debian packages the tests use; each is installed only when missing.
  missing=()
  for pkg in $(cat scripts/system-packages.txt 2>/dev/null | grep -v '^#'); do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "setup: installing ${missing[*]} from Debian"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: please install these Debian packages: ${missing[*]}" >&2
    fi
  fi
fi

pnpm install --frozen-lockfile
pnpm build
