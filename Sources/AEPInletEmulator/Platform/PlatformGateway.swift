import ChatlioAEPSupport
import ChatlioJSON
import Foundation

/// The checks Platform's API gateway makes before any service sees a
/// request, with the answers help/landing/troubleshooting.md ("Request header
/// errors") documents:
///
/// | problem | status | body |
/// |---|---|---|
/// | no `Authorization: Bearer …` | 403 | `403010` "Oauth token is missing." |
/// | a token other than the configured one or one `/ims/token/v3` issued | 401 | `401013` "Oauth token is not valid" |
/// | no `x-api-key` | 403 | `403000` "Api Key is required" |
/// | another key than the configured one | 403 | `403003` "Api Key is invalid" |
/// | no `x-gw-ims-org-id` | 400 | `400003` "Missing header" |
/// | another organisation | 403 | `403025` "Profile is not valid" |
/// | POST/PUT/PATCH without `Content-Type: application/json` | 400 | BadRequestError "A valid content-type must be specified" |
///
/// `x-sandbox-name` is required on every request (help/xdm/api/getting-started.md "Gather values
/// for required headers"); Adobe documents no error body for its absence, so the emulator answers
/// the "Missing header" shape. Each body also carries a `detail` naming the header.
struct PlatformGateway: Sendable {
    let configuration: AEPPlatformEmulator.Configuration
    /// The emulated IMS: a token it issued passes like ``AEPPlatformEmulator/Configuration/requiredToken``.
    let tokens: IMSTokenIssuer

    func check(_ request: inout PlatformRequest) -> HTTPResponse? {
        let authorization = request.header("Authorization")?.trimmingCharacters(in: .whitespaces) ?? ""
        let parts = authorization.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let token = parts.count == 2 && parts[0].lowercased() == "bearer" ? parts[1] : ""
        if token.isEmpty {
            return Self.gateway(403, "403010", "Oauth token is missing.", detail: "send Authorization: Bearer {ACCESS_TOKEN}")
        }
        if let required = configuration.requiredToken, !constantTimeEquals(token, required), !tokens.accepts(token) {
            return Self.gateway(401, "401013", "Oauth token is not valid", detail: "the bearer token is neither the configured one nor an unexpired one from this emulator's /ims/token/v3")
        }
        guard let apiKey = Self.value(request, "x-api-key") else {
            return Self.gateway(403, "403000", "Api Key is required", detail: "send x-api-key: {API_KEY} (the client id)")
        }
        if let expected = configuration.apiKey, apiKey != expected {
            return Self.gateway(403, "403003", "Api Key is invalid", detail: "x-api-key \(apiKey) is not this emulator's client id")
        }
        guard let org = Self.value(request, "x-gw-ims-org-id") else {
            return Self.gateway(400, "400003", "Missing header", detail: "x-gw-ims-org-id is required")
        }
        if org != configuration.imsOrgId {
            return Self.gateway(403, "403025", "Profile is not valid", detail: "x-gw-ims-org-id \(org) is not the emulator's organisation \(configuration.imsOrgId)")
        }
        guard let sandbox = Self.value(request, "x-sandbox-name") else {
            return Self.gateway(400, "400003", "Missing header", detail: "x-sandbox-name is required")
        }
        if let expected = configuration.sandboxName, sandbox != expected {
            return Self.gateway(403, "403025", "Profile is not valid", detail: "(emulator) sandbox \(sandbox) does not exist; this emulator has \(expected)")
        }
        guard ["POST", "PUT", "PATCH"].contains(request.method) else { return nil }
        let mediaType = request.header("Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            return PlatformProblem.badRequest(
                "A valid content-type must be specified (got \(mediaType.map { "\"\($0)\"" } ?? "none"); POST, PUT and PATCH take application/json)"
            )
        }
        do {
            request.body = try JSONValue(parsing: request.http.body, options: JSONParsingOptions(maxBytes: configuration.maxRequestBodyBytes, maxDepth: 64))
        } catch {
            return PlatformProblem.badRequest("The request body is not valid JSON: \(error)")
        }
        return nil
    }

    private static func value(_ request: PlatformRequest, _ name: String) -> String? {
        guard let value = request.header(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    private static func gateway(_ status: Int, _ code: String, _ message: String, detail: String) -> HTTPResponse {
        HTTPResponse(status: status, json: ["error_code": .string(code), "message": .string(message), "detail": .string(detail)])
    }
}
