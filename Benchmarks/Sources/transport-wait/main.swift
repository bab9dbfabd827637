// transport-wait: the client's default transport (URLSessionTransport) waiting on a slow inlet, as
// CPU-seconds per second of waiting. CHATLIO_CURL_SOCKET_FIX=0 leaves FoundationNetworking's busy wait
// in, for the before figure; urlsession-wait shows the same with URLSession alone.
//
//   swift run -c release --package-path Benchmarks transport-wait [--requests 5] [--delay 1] [--rounds 3]
//       [--url URL]   (a slow server of your own instead of the in-process one, e.g. https)
//   CHATLIO_CURL_SOCKET_FIX=0 .build/release/transport-wait
import CPUWhileWaiting
import ExampleSupport
import Foundation

let tool = CommandLineTool(
    name: "transport-wait", usage: "Usage: transport-wait [--requests N] [--delay SECONDS] [--rounds N] [--url URL]"
)
let options = tool.parse(valued: ["--requests", "--delay", "--rounds", "--url"])
let requests = tool.checked { try options.positiveInteger("--requests") } ?? 5
let delay = tool.checked { try options.number("--delay", in: 0 ... 3_600, what: "a number of seconds") } ?? 1
let rounds = tool.checked { try options.positiveInteger("--rounds") } ?? 3
let url = tool.checked { try options.url("--url") }

do {
    let figure = try await CPUWhileWaiting.measure(requests: requests, delay: delay, rounds: rounds, url: url)
    for (index, round) in figure.rounds.enumerated() {
        print(String(format: "  round %d: %.3f CPU-s in %.3f s = %.1f %% of a core", index + 1, round.cpuSeconds, round.wallSeconds, 100 * round.cpuSeconds / round.wallSeconds))
    }
    print(figure.line)
} catch {
    print("transport-wait: \(error)")
    exit(1)
}
