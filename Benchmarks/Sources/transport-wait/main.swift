// transport-wait: the client's default transport (URLSessionTransport) waiting on a slow inlet, as
// CPU-seconds per second of waiting. CHATLIO_CURL_SOCKET_FIX=0 leaves FoundationNetworking's busy wait
// in, for the before figure; urlsession-wait shows the same with URLSession alone.
//
//   swift run -c release --package-path Benchmarks transport-wait [--requests 5] [--delay 1] [--rounds 3]
//       [--url URL]   (a slow server of your own instead of the in-process one, e.g. https)
//   CHATLIO_CURL_SOCKET_FIX=0 .build/release/transport-wait
import CPUWhileWaiting
import Foundation

func value(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

do {
    let figure = try await CPUWhileWaiting.measure(
        requests: value("--requests").flatMap(Int.init) ?? 5,
        delay: value("--delay").flatMap(Double.init) ?? 1,
        rounds: value("--rounds").flatMap(Int.init) ?? 3,
        url: value("--url").flatMap(URL.init(string:))
    )
    for (index, round) in figure.rounds.enumerated() {
        print(String(format: "  round %d: %.3f CPU-s in %.3f s = %.1f %% of a core", index + 1, round.cpuSeconds, round.wallSeconds, 100 * round.cpuSeconds / round.wallSeconds))
    }
    print(figure.line)
} catch {
    print("transport-wait: \(error)")
    exit(1)
}
