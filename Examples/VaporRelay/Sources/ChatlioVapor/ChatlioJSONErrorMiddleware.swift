import ChatlioRelayServer
public import Logging
public import Vapor

/// Every error Vapor answers by itself (an unknown path, a body above a
/// route's limit, an error thrown by a handler) gets a JSON body like the
/// relay's, `{"status": "not found"}`, and one log line, so no answer is
/// Vapor's default page and no refusal goes unseen. It takes the place of
/// Vapor's `ErrorMiddleware` and of its `RouteLoggingMiddleware`, which
/// logs every path (the path may carry the URL token).
///
/// ```swift
/// app.middleware = Middlewares()
/// app.middleware.use(ChatlioJSONErrorMiddleware(logger: logger))
/// ```
public struct ChatlioJSONErrorMiddleware: AsyncMiddleware {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as any AbortError {
            let status = error.status
            logger.warning("\(RelayServerAnswer.refusalLine(method: request.method.rawValue, path: request.url.path, status: Int(status.code), reason: status.reasonPhrase))")
            var answer = RelayServerAnswer.frameworkError(status: Int(status.code), reason: status.reasonPhrase)
            for (name, value) in error.headers where name.lowercased() != "content-type" && name.lowercased() != "content-length" {
                answer.headers.append((name, value))
            }
            return answer.vaporResponse
        } catch {
            // The type only: an error's description may hold what the request carried.
            let line = RelayServerAnswer.refusalLine(method: request.method.rawValue, path: request.url.path, status: 500, reason: "internal server error")
            logger.error("\(line) (\(String(reflecting: type(of: error))))")
            return RelayServerAnswer.frameworkError(status: 500, reason: "internal server error").vaporResponse
        }
    }
}
