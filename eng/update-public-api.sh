#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt from the public API analyzer (Microsoft.CodeAnalysis.PublicApiAnalyzers).
#
#   bash eng/update-public-api.sh        # after changing public API on purpose, or after a merge
#   git diff -- 'src/*/PublicAPI.Unshipped.txt'   # then review what changed
#
# Each library's Unshipped file is emptied, the libraries are built, and every RS0016 ("symbol is not part of the
# declared public API") becomes a line of its project's Unshipped file; every RS0017 ("declared but gone") for a
# line of PublicAPI.Shipped.txt becomes a "*REMOVED*" line. A second build checks that no RS00xx diagnostic is
# left (RS0026/RS0027, optional parameters on overloads, need an API change, not a file edit).
# PublicAPI.Shipped.txt is never written: when a version ships, move the Unshipped lines into it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

projects=()
for p in src/*/*.csproj; do
  if [ -f "$(dirname "$p")/PublicAPI.Shipped.txt" ]; then projects+=("$p"); fi
done
[ ${#projects[@]} -gt 0 ] || { echo "no src/*/ project with PublicAPI.Shipped.txt" >&2; exit 1; }

backup="$(mktemp -d)"
log="$(mktemp)"
restore() { for p in "${projects[@]}"; do cp "$backup/$(basename "$p" .csproj).txt" "$(dirname "$p")/PublicAPI.Unshipped.txt"; done; }
cleanup() { rm -rf "$backup" "$log"; }
trap cleanup EXIT

# Builds every library once (warnings stay warnings; the analyzer only runs where the compiler does, and rewriting
# the Unshipped files makes every library recompile). Prints the RS00xx lines: "<project dir>\t<id>\t<message>".
build() {
  : > "$log"
  for p in "${projects[@]}"; do
    if ! dotnet build "$p" -c Release -nologo -clp:NoSummary -p:TreatWarningsAsErrors=false >> "$log" 2>&1; then
      grep -E ': error ' "$log" | sort -u >&2 || tail -n 30 "$log" >&2
      return 1
    fi
  done
  # "…/File.cs(3,5): warning RS0016: Symbol 'X' is not part of the declared public API (https://…) [/abs/src/P/P.csproj]"
  sed -nE 's#^.*: warning (RS00[0-9]+): (.*) \[(.*)/[^/]+\.csproj\]$#\3\t\1\t\2#p' "$log" | sort -u
}

for p in "${projects[@]}"; do
  dir="$(dirname "$p")"
  cp "$dir/PublicAPI.Unshipped.txt" "$backup/$(basename "$p" .csproj).txt" 2>/dev/null || : > "$backup/$(basename "$p" .csproj).txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
done

echo "building ${#projects[@]} libraries to collect RS0016/RS0017 ..."
if ! found="$(build)"; then restore; echo "build failed; Unshipped files left as they were" >&2; exit 1; fi

for p in "${projects[@]}"; do
  dir="$(cd "$(dirname "$p")" && pwd)"
  {
    printf '#nullable enable\n'
    # The symbol is the quoted text of the message (greedy: a constant's value may itself hold quotes).
    printf '%s\n' "$found" | awk -F'\t' -v d="$dir" '$1 == d && $2 == "RS0016"' \
      | sed -E "s/^[^\t]*\tRS0016\tSymbol '(.*)' is not part of the declared public API.*$/\1/"
    printf '%s\n' "$found" | awk -F'\t' -v d="$dir" '$1 == d && $2 == "RS0017"' \
      | sed -E "s/^[^\t]*\tRS0017\tSymbol '(.*)' is part of the declared API, but is either not public or could not be found.*$/*REMOVED*\1/"
  } | awk 'NR == 1 { print; next } NF' | { read -r header; echo "$header"; LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.txt"
  echo "$(dirname "$p")/PublicAPI.Unshipped.txt: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) entries"
done

echo "checking ..."
if ! left="$(build)"; then echo "the check build failed" >&2; exit 1; fi
if [ -n "$left" ]; then
  echo "public API diagnostics left (fix the API, then run this again):" >&2
  printf '%s\n' "$left" | cut -f2- >&2
  exit 1
fi
echo "public API files are up to date"
