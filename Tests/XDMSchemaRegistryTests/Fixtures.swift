import ChatlioJSON

/// Shared test documents.
enum Fixtures {
    /// A conversation-started event as the mapper is expected to emit it for tenant `acme`.
    static let conversationStartedEvent: JSONValue = [
        "_id": "3f1c0e6a9b2d4c8e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e",
        "timestamp": "2016-02-07T19:02:17.839Z",
        "eventType": "chat.conversationStarted",
        "producedBy": "self",
        "identityMap": [
            "Email": [["id": "jane@example.com", "primary": true, "authenticatedState": "ambiguous"]],
        ],
        "environment": [
            "type": "browser",
            "ipV4": "175.24.144.21",
            "browserDetails": ["userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_2) AppleWebKit/537.36"],
        ],
        "placeContext": ["geo": ["city": "Los Angeles", "stateProvince": "US-CA", "countryCode": "US"]],
        "web": ["webPageDetails": ["URL": "http://yoursite.com/signup"], "webReferrer": ["URL": "https://www.google.com/"]],
        "personalEmail": ["address": "jane@example.com"],
        "person": ["name": ["fullName": "Jane Doe"]],
        "_acme": [
            "chatlio": [
                "webhookKind": "conversation-started",
                "conversationId": "e3d1800d-2d9e-4966-4500-9ff986cfa197",
                "channelId": "C1NABCDEF",
                "slackChannelId": "C1XPVTNKR",
                "slackChannelName": "live-chat",
                "message": "Hi, I am having trouble signing up",
                "visitor": [
                    "uuid": "2d3f4260-2235-903b-0a82-a23d326cc257",
                    "handle": "united-states-27",
                    "location": "Los Angeles, California, United States",
                    "currentPage": "http://yoursite.com/signup",
                    "createdAt": "2016-02-07T11:02:17.839766-08:00",
                ],
                "mapping": [
                    "omitted": ["/_acme/chatlio/visitor/email"],
                    "timestampClamped": false,
                    "timestampSource": "payload",
                    "mapperVersion": "1.0.0",
                ],
            ],
        ],
    ]

    /// Returns `document` with the value at `path` replaced (or removed when `value` is nil).
    static func setting(_ document: JSONValue, _ path: [String], to value: JSONValue?) -> JSONValue {
        guard let first = path.first, case .object(var object) = document else { return value ?? document }
        if path.count == 1 {
            object[first] = value
        } else {
            object[first] = setting(object[first] ?? .object([:]), Array(path.dropFirst()), to: value)
        }
        return .object(object)
    }
}
