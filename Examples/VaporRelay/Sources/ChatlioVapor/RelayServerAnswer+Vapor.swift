public import ChatlioRelayServer
import Foundation
public import Vapor

extension RelayServerAnswer {
    /// The answer as a Vapor response.
    ///
    /// ```swift
    /// app.get("health") { _ in RelayServerStatus.health(relay: relay.metrics(), client: client.metrics()).vaporResponse }
    /// ```
    public var vaporResponse: Response {
        Response(status: HTTPResponseStatus(statusCode: status), headers: HTTPHeaders(headers.map { ($0.name, $0.value) }), body: .init(data: body))
    }
}
