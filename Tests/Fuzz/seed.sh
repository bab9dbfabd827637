#!/usr/bin/env bash
# Writes the seed corpora for every fuzz target under CORPUS (default
# Tests/Fuzz/.build-fuzz/corpus), from Examples/Payloads and Tests/Fuzz/Seeds.
# Seeds are named by content hash, so running it again adds nothing twice.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
payloads="$here/../../Examples/Payloads"
corpus="${1:-$here/.build-fuzz/corpus}"
kinds=(chat-transcript offline-message conversation-started unanswered-message visitor-feedback)

put() { # put TARGET < bytes
    local tmp; tmp="$(mktemp)"
    cat > "$tmp"
    mkdir -p "$corpus/$1"
    mv "$tmp" "$corpus/$1/$(sha1sum "$tmp" | cut -c1-40)"
}
byte() { printf "\\$(printf '%03o' "$1")"; }

for index in "${!kinds[@]}"; do
    for file in "$payloads/${kinds[$index]}"/*.json; do
        { byte "$index"; cat "$file"; } | put fuzz-webhook        # decode(_:kind:) with the right kind
        { byte 5; cat "$file"; } | put fuzz-webhook               # shape inference
        put fuzz-json < "$file"
        put fuzz-validator < "$file"
        { grep -oE '"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9:.]+([Zz]|[+-][0-9]{2}:[0-9]{2})"' "$file" | tr -d '"' | sort -u || true; } |
            while read -r stamp; do printf '%s' "$stamp" | put fuzz-timestamp; done
    done
    # A wrong kind, to reach the field errors.
    { byte $(((index + 1) % 5)); cat "$payloads/${kinds[$index]}/basic.json"; } | put fuzz-webhook
done
# Seeds/<target>/: XDM events made by the mapper from the basic samples, and
# every input a fuzz run found a bug with (kept so the corpus starts there).
for folder in "$here"/Seeds/*/; do
    target="$(basename "$folder")"
    for file in "$folder"*; do put "$target" < "$file"; done
done
for file in "$here"/Seeds/fuzz-validator/*.json; do put fuzz-json < "$file"; done
for stamp in 0000-01-01T00:00:00Z 9999-12-31T23:59:59.999999999Z 2016-02-29T12:00:00.5-23:59 1970-01-01t00:00:00z; do
    printf '%s' "$stamp" | put fuzz-timestamp
done

body="$(cat "$payloads/offline-message/basic.json")"
length=$(printf '%s' "$body" | wc -c)
printf '\x05\x02POST /collection/inlet?syncValidation=true HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "$length" "$body" | put fuzz-http-parser
printf '\x01\x01POST /collection/batch/inlet HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n4;ext=1\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-Trailer: yes\r\n\r\n' | put fuzz-http-parser
printf '\x10\x03\r\nGET / HTTP/1.0\r\n\r\nPOST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}GET /x HTTP/1.1\r\nHost: h\r\n\r\n' | put fuzz-http-parser
printf '\x3f\x06POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 1\r\nAuthorization: Bearer t\r\n\r\nx' | put fuzz-http-parser
