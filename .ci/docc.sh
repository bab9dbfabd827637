#!/usr/bin/env bash
# Builds the DocC catalog of every library product (Sources/<Module>/<Module>.docc, and ExampleSupport's in
# Examples/ExampleSupport) with the toolchain's own docc, and fails on any warning: a broken symbol link, an
# undocumented parameter, a catalog that is missing.
#
#   bash .ci/docc.sh               # archives in a temporary folder, removed at the end
#   bash .ci/docc.sh OUT           # keeps them: OUT/<Module>.doccarchive (open with `docc preview` or host)
#
# Symbol graphs come from `swift package dump-symbol-graph` (it builds in debug, reusing .build, then runs
# swift-symbolgraph-extract per module); no package plugin is involved. Each module is converted on its own,
# so a link to another module's symbol does not resolve: write such names in code voice (`XDMMapper`).
set -euo pipefail
keep="${1:-}"
[ -z "$keep" ] || [[ "$keep" = /* ]] || keep="$PWD/$keep"
cd "$(dirname "$0")/.."

products=$(sed -n 's/^ *\.library(name: "\([A-Za-z0-9_]*\)".*/\1/p' Package.swift)
[ -n "$products" ] || { echo "no library products found in Package.swift" >&2; exit 1; }

work="$(mktemp -d /tmp/chatlio-docc.XXXXXX)"
trap 'rm -rf "$work"' EXIT
out="${keep:-$work/archives}"
mkdir -p "$out"

# Before the test targets are built, dump-symbol-graph also tries SwiftPM's generated test runners
# (<Package>PackageTests, <Package>PackageDiscoveredTests), fails on them and exits non-zero. They hold no
# documentation, so that one failure is let through; any other one fails the script.
if ! swift package dump-symbol-graph --minimum-access-level public --skip-synthesized-members \
    --emit-extension-block-symbols > "$work/dump.log" 2>&1; then
    if grep 'error:' "$work/dump.log" \
        | grep -v -E "^error: Failed to emit symbol graph for '[A-Za-z0-9_]+Package(Discovered)?Tests'" >&2; then
        cat "$work/dump.log" >&2
        exit 1
    fi
fi
graphs="$(sed -n 's/^Files written to //p' "$work/dump.log" | tail -n 1)"
[ -d "$graphs" ] || { cat "$work/dump.log" >&2; echo "no symbol graph folder in the output above" >&2; exit 1; }

failed=0
for module in $products; do
    catalog="Sources/$module/$module.docc"
    # ExampleSupport lives beside the executables it serves.
    [ -d "$catalog" ] || [ ! -d "Examples/$module" ] || catalog="Examples/$module/$module.docc"
    if [ ! -f "$catalog/$module.md" ]; then
        echo "error: $module is a library product without a catalog landing page at $catalog/$module.md" >&2
        failed=1
        continue
    fi
    # Only this module's graphs: <Module>.symbols.json and its extensions of other modules' types.
    if [ ! -f "$graphs/$module.symbols.json" ]; then
        echo "error: no symbol graph for $module in $graphs" >&2
        failed=1
        continue
    fi
    mkdir -p "$work/graphs/$module"
    cp "$graphs/$module.symbols.json" "$work/graphs/$module/"
    find "$graphs" -maxdepth 1 -name "$module@*.symbols.json" -exec cp {} "$work/graphs/$module/" \;
    if docc convert "$catalog" \
        --additional-symbol-graph-dir "$work/graphs/$module" \
        --output-dir "$out/$module.doccarchive" \
        --fallback-display-name "$module" --fallback-bundle-identifier "com.chatlio.aep.$module" \
        --warnings-as-errors > "$work/$module.log" 2>&1; then
        echo "$module: built"
    else
        cat "$work/$module.log" >&2
        echo "error: $module: docc reported the problems above" >&2
        failed=1
    fi
done
exit "$failed"
