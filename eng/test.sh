#!/usr/bin/env bash
# Runs every test of the repository with nothing skipped, on a fresh machine: installs what the tests need
# (eng/fetch-deps.sh: llama.cpp's chat templates from npm, Python's Jinja2 and libgomp1 from Debian), restores,
# builds the solution with warnings as errors and runs `dotnet test` on it. This is the test command of README.md,
# and .ci/run runs it. Extra arguments go to `dotnet test` (for example --filter 'FullyQualifiedName~Readme').
# Exit code: 0 when every test passed, 1 otherwise (including a failed install or build).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export GGML_NO_BACKTRACE=1
# Under CI the tests that need the fetched dependencies fail instead of skipping when they are missing.
export CI="${CI:-true}"

deps_env="$(bash eng/fetch-deps.sh)" || { echo "eng/test.sh: fetching the test dependencies failed" >&2; exit 1; }
eval "$deps_env"

dotnet restore ToolLoop.sln || { echo "eng/test.sh: restore failed" >&2; exit 1; }
dotnet build ToolLoop.sln -c Release --no-restore -warnaserror || { echo "eng/test.sh: build failed" >&2; exit 1; }
dotnet test ToolLoop.sln -c Release --no-build "$@" || exit 1
