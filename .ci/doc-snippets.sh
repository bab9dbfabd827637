#!/usr/bin/env bash
# Compiles every ```swift block of README.md, Documentation/*.md and the DocC catalogs
# (Sources/*/*.docc/**/*.md, Examples/ExampleSupport/*.docc) against the library products, so a snippet that stops compiling fails CI.
#
#   bash .ci/doc-snippets.sh            # builds the products (debug) if needed, then type-checks every snippet
#
# How a block is compiled is set by an HTML comment on the nearest non-blank line above its fence:
#   (none)                                   the block is the body of `func snippet() async throws { … }`.
#                                            Its `import` lines move to the top of the file; a block without
#                                            any continues the page's earlier blocks and imports every
#                                            library product and Testing. Foundation is always imported.
#   <!-- snippet: given a: URL, b: Data -->  the same, with the names the block uses but does not define
#                                            (values that come from your service) as the function's parameters.
#   <!-- snippet: file -->                   the block is a whole source file (declarations at file scope).
#   <!-- snippet: manifest -->               the block is the arguments after `name:` of a Package.swift's
#                                            `Package(name: …, …)`, checked against PackageDescription.
#   <!-- snippet: skip REASON -->            not compiled; counted and printed with its reason.
# Errors point at the markdown file and line (#sourceLocation). Snippets are type-checked (the compiler's
# whole front end: parsing, name lookup, types, Swift 6 concurrency checking), not linked. All files go to
# one compiler run with MemberImportVisibility on, so each file still sees only what it imports itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

products=$(sed -n 's/^ *\.library(name: "\([A-Za-z0-9_]*\)".*/\1/p' Package.swift)
[ -n "$products" ] || { echo "no library products found in Package.swift" >&2; exit 1; }

work="$(mktemp -d /tmp/chatlio-doc-snippets.XXXXXX)"
trap 'rm -rf "$work"' EXIT

swift build -q
bin="$(swift build --show-bin-path)"

docs=(README.md Documentation/*.md)
while IFS= read -r -d '' article; do docs+=("$article"); done \
    < <(find Sources Examples/ExampleSupport -path '*.docc/*' -name '*.md' -print0 | sort -z)

# One generated file per block; blocks.tsv lines: "<mode>\t<doc>:<line>\t<skip reason>".
awk -v out="$work" -v products="$products" '
    function emit(   file, i, imports, given, reason) {
        count++
        mode = "body"; given = ""; reason = ""
        if (marker ~ /^<!-- *snippet: *file *-->/) mode = "file"
        else if (marker ~ /^<!-- *snippet: *manifest *-->/) mode = "manifest"
        else if (marker ~ /^<!-- *snippet: *skip/) {
            mode = "skip"; reason = marker
            sub(/^<!-- *snippet: *skip */, "", reason); sub(/ *-->.*$/, "", reason)
        } else if (marker ~ /^<!-- *snippet: *given /) {
            given = marker
            sub(/^<!-- *snippet: *given */, "", given); sub(/ *-->.*$/, "", given)
        } else if (marker ~ /^<!-- *snippet:/) {
            printf "%s:%d: unknown snippet marker: %s\n", FILENAME, start - 1, marker > "/dev/stderr"
            bad = 1
        }
        printf "%s\t%s:%d\t%s\n", mode, FILENAME, start, reason > (out "/blocks.tsv")
        if (mode == "skip") return
        file = sprintf("%s/snippet%03d.swift", out, count)
        if (mode == "manifest") {
            file = sprintf("%s/manifest%03d.swift", out, count)
            print "import PackageDescription" > file
            # The wrapper line takes the number of the fence line, so the block keeps its own numbers.
            printf "#sourceLocation(file: \"%s\", line: %d)\n", FILENAME, start - 1 > file
            print "let package = Package(name: \"MyService\"," > file
            for (i = 1; i <= n; i++) print body[i] > file
            print ")" > file
            close(file)
            return
        }
        if (mode == "file") {
            printf "#sourceLocation(file: \"%s\", line: %d)\n", FILENAME, start > file
            for (i = 1; i <= n; i++) print body[i] > file
            close(file)
            return
        }
        imports = 0
        print "import Foundation" > file
        for (i = 1; i <= n; i++) if (body[i] ~ /^import /) { print body[i] > file; imports++ }
        if (imports == 0) {
            split(products, names, /[ \n]+/)
            for (i in names) if (names[i] != "") print "import " names[i] > file
            print "import Testing" > file
        }
        printf "func snippet%03d(%s) async throws {\n", count, given > file
        printf "#sourceLocation(file: \"%s\", line: %d)\n", FILENAME, start > file
        for (i = 1; i <= n; i++) print (body[i] ~ /^import / ? "" : body[i]) > file
        print "#sourceLocation()" > file
        print "}" > file
        close(file)
    }
    FNR == 1 { previous = ""; inBlock = 0 }
    inBlock && /^[ \t]*```[ \t]*$/ { emit(); inBlock = 0; next }
    inBlock { body[++n] = $0; next }
    /^[ \t]*```swift[ \t]*$/ { inBlock = 1; n = 0; start = FNR + 1; marker = previous; next }
    /[^ \t]/ { previous = $0; sub(/^[ \t]+/, "", previous) }
    END { exit bad }
' "${docs[@]}"

compiled=$(grep -c '^body\|^file\|^manifest' "$work/blocks.tsv" || true)
skipped=$(grep -c '^skip' "$work/blocks.tsv" || true)
{ grep "^skip" "$work/blocks.tsv" || true; } | while IFS=$'\t' read -r _ where reason; do echo "skipped $where: $reason"; done

for manifest in "$work"/manifest*.swift; do
    [ -e "$manifest" ] || continue
    manifest_api="$(dirname "$(dirname "$(command -v swiftc)")")/lib/swift/pm/ManifestAPI"
    swiftc -typecheck -swift-version 6 -package-description-version 6.0 -I "$manifest_api" \
        -module-cache-path "$work/module-cache" "$manifest"
done

if ls "$work"/snippet*.swift >/dev/null 2>&1; then
    # The C targets' module maps, as SwiftPM passes them to its own compiles.
    cflags=()
    for map in "$bin"/*.build/module.modulemap; do
        target="$(basename "$(dirname "$map")" .build)"
        [ -d "$root/Sources/$target/include" ] || continue
        cflags+=(-Xcc "-fmodule-map-file=$map" -Xcc -I -Xcc "$root/Sources/$target/include")
    done
    # Unused values are how snippets show results, so those warnings are not printed; any other is.
    if ! swiftc -typecheck -parse-as-library -swift-version 6 -diagnostic-style llvm \
        -enable-upcoming-feature MemberImportVisibility -enable-upcoming-feature ExistentialAny \
        -I "$bin/Modules" "${cflags[@]}" -module-cache-path "$work/module-cache" \
        "$work"/snippet*.swift > "$work/diagnostics" 2>&1; then
        cat "$work/diagnostics" >&2
        echo "doc snippets: a snippet does not compile (the first error above names its markdown file and line)" >&2
        exit 1
    fi
    grep ': warning: ' "$work/diagnostics" | grep -v -e 'was never used' -e 'is unused' || true
fi
echo "doc snippets: $compiled compiled, $skipped skipped, from ${#docs[@]} markdown files"
