import AEPInletEmulator
import ChatlioAEPSupport
import Foundation

/// A tiny OAuth token endpoint on loopback, scripted: a handler on ``ScriptedHTTPServer`` that
/// answers each `POST` with the next scripted reply, records the form fields it received, and
/// closes each connection after one answer. (The Platform emulator's IMS issuer always grants;
/// these tests need stale, wrong and refused tokens, in order, and slow answers.)
final class TokenServer: Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: String

        static func token(_ token: String, expiresIn: Int = 86_399) -> Reply {
            Reply(status: 200, body: #"{"access_token":"\#(token)","token_type":"bearer","expires_in":\#(expiresIn)}"#)
        }

        static let invalidClient = Reply(status: 401, body: #"{"error":"invalid_client","error_description":"invalid client_secret parameter"}"#)
    }

    private struct Script: Sendable {
        var replies: [Reply]
        var fallback: Reply
        var forms: [[String: String]] = []
    }

    private let script: Locked<Script>
    private let server: ScriptedHTTPServer

    /// - Parameters:
    ///   - replies: answers to the first requests, in order; then `fallback` forever.
    ///   - delay: seconds to wait before each answer (to make concurrent callers overlap).
    init(replies: [Reply], fallback: Reply, delay: TimeInterval = 0) throws {
        let script = Locked(Script(replies: replies, fallback: fallback))
        self.script = script
        server = try ScriptedHTTPServer { request, connection in
            let form = Self.formFields(request.body)
            let reply = script.withLock { script in
                script.forms.append(form)
                return script.replies.isEmpty ? script.fallback : script.replies.removeFirst()
            }
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            connection.respond(status: reply.status, headers: [("Content-Type", "application/json")], body: reply.body)
        }
    }

    var url: URL { server.url("/ims/token/v3") }

    /// The form fields of every request received.
    var receivedForms: [[String: String]] { script.withLock { $0.forms } }

    var requestCount: Int { receivedForms.count }

    func setFallback(_ reply: Reply) {
        script.withLock { $0.fallback = reply }
    }

    func stop() {
        server.stop()
    }

    private static func formFields(_ body: Data) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return form
    }
}
