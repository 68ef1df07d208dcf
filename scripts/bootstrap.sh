#!/usr/bin/env bash
# Installs everything the build, tests and demos need, from the Debian and npm registries only.
# Idempotent: when everything is already there it only checks (well under a second).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'bootstrap: %s\n' "$*"; }
started=$(date +%s.%N)
elapsed() { awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# What each package is for: the wasm toolchain (emcc, clang-14, the frozen library cache); the
# header-only engine dependencies; the native compiler and build tools; clang for the
# sanitizer + libFuzzer build (build/asan); the headless browser for the page tests; and the
# Fashion-MNIST data set.
debian_packages=(
  emscripten
  libeigen3-dev libxsimd-dev catch2 nlohmann-json3-dev
  cmake make g++
  clang
  chromium
  dataset-fashion-mnist
)

is_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for package in "${debian_packages[@]}"; do
  is_installed "$package" || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  install_command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    say "missing Debian packages: ${missing[*]}"
    say "run as root:  $install_command"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
  say "Debian packages present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  say "Node $(node --version) is too old: simdnn needs Node 20 or newer"
  exit 1
fi

# npm packages: reinstall only when node_modules is missing or older than what describes it.
needs_npm_install() {
  [[ ! -d node_modules ]] && return 0
  [[ package.json -nt node_modules ]] && return 0
  [[ -f package-lock.json && package-lock.json -nt node_modules ]] && return 0
  return 1
}
if needs_npm_install; then
  if [[ -f package-lock.json ]]; then
    say "npm ci (from package-lock.json)"
    npm ci --no-audit --no-fund
  else
    say "npm install"
    npm install --no-audit --no-fund
  fi
  touch node_modules  # npm leaves the folder's mtime alone when nothing changed
else
  say "npm packages present"
fi
say "ready in $(elapsed) s"
