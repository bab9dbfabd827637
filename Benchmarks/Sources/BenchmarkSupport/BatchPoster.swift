public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The delivery baselines' client: prebuilt batch bodies POSTed one after another with a plain
/// URLSession, nothing else (no outbox, no retries), so the client's figures have a floor to compare with.
///
/// ```swift
/// try await BatchPoster.post(bodies, to: emulator.batchURL)
/// ```
public enum BatchPoster {
    public struct Refused: Error, CustomStringConvertible {
        public var status: Int
        public var description: String { "a baseline batch was refused: \(status)" }
    }

    /// Posts every body to `url`; each answer must be `expecting` (AEP's batch endpoint answers 207).
    /// `afterEach` runs after every answer (to trim an in-process inlet's record, say).
    public static func post(_ bodies: [Data], to url: URL, expecting: Int = 207, afterEach: () -> Void = {}) async throws {
        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }
        for body in bodies {
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
            let (_, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? -1
            guard status == expecting else { throw Refused(status: status) }
            afterEach()
        }
    }
}
