#!/usr/bin/env bash
# Fetches everything the tests need from outside the repo, into a cache folder outside the
# repo (never committed): llama.cpp's source (its real chat templates and its JSON-Schema-to-grammar cases
# are test data) from npm,
# Python's Jinja2 and the OpenMP runtime (libgomp1, needed by LLamaSharp.Backend.Cpu's natives,
# which come from NuGet) from Debian.
# Usage: source <(bash eng/fetch-deps.sh)   or   eval "$(bash eng/fetch-deps.sh)"
# Prints `export NAME=value` lines on stdout; progress goes to stderr.
set -euo pipefail

deps="${TOOLLOOP_DEPS_DIR:-${HOME:-/tmp}/.cache/toolloop-deps}"
mkdir -p "$deps"
log() { printf 'fetch-deps: %s\n' "$*" >&2; }

apt_install() { # packages...
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq "$@") >&2
  else
    (sudo apt-get update -qq && sudo apt-get install -y -qq "$@") >&2
  fi
}

# --- Python's Jinja2 (the reference renderer for the template tests) ---
if ! /usr/bin/python3 -c 'import jinja2' 2>/dev/null; then
  log "installing python3-jinja2"
  apt_install python3-jinja2
fi

# --- the OpenMP runtime: libggml-cpu.so in LLamaSharp.Backend.Cpu links libgomp.so.1, which slim images lack ---
if [ "$(uname -s)" = Linux ] && ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libgomp\.so\.1 '; then
  log "installing libgomp1"
  apt_install libgomp1
fi

# --- npm packages, integrity-checked against the registry's published sha512 ---
fetch_npm() { # name version -> unpacks into $deps/<dir>/package
  local name="$1" version="$2" dir="$3"
  if [ -f "$deps/$dir/.ok" ]; then return; fi
  log "fetching $name@$version"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "$name@$version" --silent >/dev/null 2>&1)
  local tgz; tgz="$(ls "$tmp"/*.tgz)"
  local expected actual
  expected="$(npm view "$name@$version" dist.integrity 2>/dev/null)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    log "integrity check failed for $name@$version: expected '$expected', got '$actual'"
    exit 1
  fi
  rm -rf "${deps:?}/$dir" && mkdir -p "$deps/$dir"
  tar xzf "$tgz" -C "$deps/$dir"
  rm -rf "$tmp"
  touch "$deps/$dir/.ok"
}

# The natives come from NuGet (LLamaSharp.Backend.Cpu); npm supplies only llama.cpp's source bundle.
fetch_npm node-llama-cpp 3.22.1 llama-src-pkg

# --- the llama.cpp source (models/templates) ---
if [ ! -f "$deps/llama.cpp/.ok" ]; then
  log "cloning llama.cpp from the git bundle"
  rm -rf "$deps/llama.cpp"
  git -c advice.detachedHead=false clone -q "$deps/llama-src-pkg/package/llama/gitRelease.bundle" "$deps/llama.cpp" >&2
  touch "$deps/llama.cpp/.ok"
fi

echo "export TOOLLOOP_DEPS_DIR='$deps'"
echo "export TOOLLOOP_LLAMA_SRC_DIR='$deps/llama.cpp'"
echo "export TOOLLOOP_TEMPLATES_DIR='$deps/llama.cpp/models/templates'"
echo "export TOOLLOOP_PYTHON='/usr/bin/python3'"
