public import ChatlioRelayServer
import HTTPTypes
public import Hummingbird

extension RelayServerAnswer {
    /// The answer as a Hummingbird response.
    ///
    /// ```swift
    /// router.get("health") { _, _ in RelayServerStatus.health(relay: relay.metrics(), client: client.metrics()).hummingbirdResponse }
    /// ```
    public var hummingbirdResponse: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
