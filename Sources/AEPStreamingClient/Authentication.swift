public import Foundation

/// How the client authenticates to the inlet.
///
/// Unauthenticated inlets need nothing. Authenticated inlets need a bearer
/// token: a fixed one, or one the client obtains from Adobe IMS with OAuth
/// server-to-server client credentials and refreshes ahead of expiry.
///
/// ```swift
/// configuration.authentication = .none
/// configuration.authentication = .bearerToken(Secret(token))
/// configuration.authentication = .oauthClientCredentials(.init(
///     clientID: "f3a…", clientSecret: Secret("p8e-…")
/// ))
/// ```
public struct Authentication: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case none
        case bearerToken(Secret)
        case oauth(OAuthClientCredentials)
    }

    let kind: Kind

    /// No `Authorization` header (unauthenticated inlets, the default).
    public static let none = Authentication(kind: .none)

    /// A fixed `Authorization: Bearer <token>`. A 401/403 cannot be repaired by
    /// a refresh; it is retried like a transient failure and ends in dead letters.
    public static func bearerToken(_ token: Secret) -> Authentication {
        Authentication(kind: .bearerToken(token))
    }

    /// Tokens from Adobe IMS (OAuth server-to-server, client credentials grant).
    public static func oauthClientCredentials(_ credentials: OAuthClientCredentials) -> Authentication {
        Authentication(kind: .oauth(credentials))
    }

    public var description: String {
        switch kind {
        case .none: "none"
        case .bearerToken: "bearerToken(redacted)"
        case .oauth(let credentials): "oauthClientCredentials(clientID: \(credentials.clientID), tokenURL: \(credentials.tokenURL.absoluteString))"
        }
    }
}

/// OAuth server-to-server credentials for Adobe IMS.
///
/// The client posts `grant_type=client_credentials`, `client_id`,
/// `client_secret` and `scope` form-encoded to ``tokenURL``, keeps the
/// `access_token`, and refreshes it ``refreshMargin`` before `expires_in`
/// runs out, one refresh at a time.
///
/// ```swift
/// var credentials = OAuthClientCredentials(clientID: "f3a…", clientSecret: Secret("p8e-…"))
/// credentials.tokenURL = URL(string: "http://127.0.0.1:8081/ims/token/v3")!   // a test server
/// ```
public struct OAuthClientCredentials: Sendable, Hashable {
    /// Adobe's token endpoint.
    public static let adobeIMSTokenURL = URL(string: "https://ims-na1.adobelogin.com/ims/token/v3") ?? URL(fileURLWithPath: "/")

    /// The scopes Adobe's own streaming connector asks for.
    public static let defaultScopes = ["openid", "AdobeID", "read_organizations", "additional_info.projectedProductContext", "session"]

    /// The Developer Console client id (also sent as `x-api-key`).
    public var clientID: String
    /// The client secret. Never logged or described.
    public var clientSecret: Secret
    /// The scopes, joined with commas in the `scope` field.
    public var scopes: [String]
    /// The token endpoint (configurable so tests can use a local server).
    public var tokenURL: URL
    /// How long before expiry a token is refreshed (default 5 minutes).
    public var refreshMargin: Duration
    /// Timeout of one token request.
    public var requestTimeout: Duration

    /// Creates credentials; see the properties for the defaults.
    public init(
        clientID: String, clientSecret: Secret, scopes: [String] = OAuthClientCredentials.defaultScopes,
        tokenURL: URL = OAuthClientCredentials.adobeIMSTokenURL, refreshMargin: Duration = .seconds(300),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.tokenURL = tokenURL
        self.refreshMargin = refreshMargin
        self.requestTimeout = requestTimeout
    }
}
