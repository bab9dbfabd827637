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

# fuzz-aep-response: STATUS COUNT FLAGS TEXT BODY, in the layout its doc
# comment gives (now is 2023-11-14T22:13:20Z, the round-trip date 1994-11-06).
# The AEP answers themselves are in Seeds/fuzz-aep-response/.
aep() {
    local status=$(($1 - 100)) count=$(($2 - 1))
    { byte $((status >> 8)); byte $((status & 255)); byte $((count >> 8)); byte $((count & 255)); byte "$3"
      printf '\x65\x53\xf1\x00\x00\x2e\xbc\x98\xa1%s' "$4"; byte 0; printf '%s' "$5"; } | put fuzz-aep-response
}
problem='{"type":"https://ns.adobe.com/aep/errors/EXEG-0000","status":%d,"title":"Error","report":{"message":"inlet error"}}'
for status in 200 202 204 299 400 401 403 404 405 408 413 415 422 429 500 501 502 503 504 505 599; do
    # shellcheck disable=SC2059
    aep "$status" 1 0 "" "$(printf "$problem" "$status")"
    aep "$status" 2 3 "120" ""
done
for value in 0 " 7 " 000000000000000000030 999999999999999999999999 1000000000 "1.5" "-5" \
    "Fri, 31 Dec 9999 23:59:59 GMT" "Thu, 01 Jan 1970 00:00:00 GMT" "Wed, 31 Dec 2025 23:59:60 GMT" \
    "Mon, 29 Feb 2016 12:00:00 GMT" "Sun, 6 Nov 1994 08:49:37 GMT" "Sun, 06 Nov 1994 08:49:37 UTC"; do
    aep 503 1 2 "$value" ""
done
for odd in 0 2 4 5 7 13; do   # oddStatuses[odd]: 0, 1, 199, 300, 600, Int.min
    aep $((0xff00 + 100 + odd)) 1 2 "5" ""
done
aep 207 600 0 "" '{"responses":[{"status":200},{"statusCode":"500"},{"status":null},{"status":"x"},{"status":299.5},{"status":1e3},{"statusCode":" 401 "},{"status":"200","message":""},[],"x"]}'
aep 200 3 0 "" '{"responses":{"xactionId":"not an array"},"xactionId":"x"}'
aep 207 2 0 "" '{"responses":[{"xactionId":"a","status":"200","statusCode":200},{"status":400,"statusCode":"400","message":"m"}]}'
aep 206 1 4 "s3cr3t" '{"access_token":"","expires_in":-1}'
aep 200 1 4 "s3cr3t" '{"access_token":"t","expires_in":"1e400"}'
aep 401 1 0 "s3cr3t" '{"error":"%s","error_description":"%s%s"}'
