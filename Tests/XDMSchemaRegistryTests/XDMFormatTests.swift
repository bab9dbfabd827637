import Testing
@testable import XDMSchemaRegistry

@Suite struct XDMFormatTests {
    @Test(arguments: [
        "2016-02-07T11:02:17.839766-08:00", "2018-05-19T18:14:32.000026941+02:00", "2019-02-23T22:07:01Z",
        "2019-05-15T20:20:39+00:00", "2024-02-29t00:00:00z", "2016-12-31T23:59:60Z",
    ])
    func validDateTimes(_ text: String) {
        #expect(XDMFormat.dateTime.matches(text))
    }

    @Test(arguments: [
        "2016-02-07", "2016-02-07T11:02:17", "2016-02-07 11:02:17Z", "2023-02-29T00:00:00Z", "2016-13-01T00:00:00Z",
        "2016-02-07T24:00:00Z", "2016-02-07T11:60:00Z", "2016-02-07T11:02:17.Z", "2016-02-07T11:02:17+0800",
        "2016-02-07T11:02:17+24:00", "2016-02-07T11:02:17Zjunk", "",
    ])
    func invalidDateTimes(_ text: String) {
        #expect(!XDMFormat.dateTime.matches(text))
    }

    @Test func dates() {
        #expect(XDMFormat.date.matches("2000-02-29"))
        #expect(!XDMFormat.date.matches("1900-02-29"))
        #expect(!XDMFormat.date.matches("2000-02-29T00:00:00Z"))
    }

    @Test(arguments: ["jane@example.com", "first.last+tag@mail.example.co.uk", "a!#$%&'*+/=?^_`{|}~-@x-y.example", "a@[203.0.113.7]", "a@[IPv6:2001:db8::1]"])
    func validEmails(_ text: String) {
        #expect(XDMFormat.email.matches(text))
    }

    @Test(arguments: ["", "jane", "@example.com", "jane@", "jane@localhost", "jane..doe@example.com", ".jane@example.com",
                      "jane.@example.com", "ja ne@example.com", "jane@-example.com", "jane@example-.com", "jane@exa_mple.com",
                      "\"Bob Smith\" <bob@example.com>", "jané@example.com", "a@[300.1.1.1]"])
    func invalidEmails(_ text: String) {
        #expect(!XDMFormat.email.matches(text))
    }

    @Test(arguments: ["0.0.0.0", "175.24.144.21", "255.255.255.255"])
    func validIPv4(_ text: String) {
        #expect(XDMFormat.ipv4.matches(text))
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3", "1234.1.1.1"])
    func invalidIPv4(_ text: String) {
        #expect(!XDMFormat.ipv4.matches(text))
    }

    @Test(arguments: ["::", "::1", "2001:db8::1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::", "::ffff:192.0.2.128", "1:2:3:4:5:6:7::", "1::8"])
    func validIPv6(_ text: String) {
        #expect(XDMFormat.ipv6.matches(text))
    }

    @Test(arguments: ["", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "2001:db8:::1", "g::1", "1:2:3:4:5:6:7", "::1:", ":1::",
                      "fe80::1%eth0", "::ffff:192.0.2", "1:2:3:4:5:6:7:1.2.3.4"])
    func invalidIPv6(_ text: String) {
        #expect(!XDMFormat.ipv6.matches(text))
    }

    @Test func uris() {
        #expect(XDMFormat.uri.matches("https://www.example.com/pricing?x=1#top"))
        #expect(XDMFormat.uri.matches("urn:chatlioaep:source:offline-message"))
        #expect(XDMFormat.uri.matches("mailto:jane@example.com"))
        #expect(!XDMFormat.uri.matches("/relative/path"))
        #expect(!XDMFormat.uri.matches("1http://x"))
        #expect(!XDMFormat.uri.matches("http://exa mple.com"))
        #expect(!XDMFormat.uri.matches("http://example.com/%zz"))
        #expect(!XDMFormat.uri.matches("http://example.com/a#b#c"))
    }

    @Test func uriReferences() {
        #expect(XDMFormat.uriReference.matches("3f1c0e6a9b2d4c8e8f7a6b5c4d3e2f1a"))
        #expect(XDMFormat.uriReference.matches("e3d1800d-2d9e-4966-4500-9ff986cfa197"))
        #expect(XDMFormat.uriReference.matches("/a/b?c#d"))
        #expect(XDMFormat.uriReference.matches("https://example.com"))
        #expect(XDMFormat.uriReference.matches("a/b:c"))
        #expect(XDMFormat.uriReference.matches(""))
        // A colon before any '/' must end a valid scheme (AEP: remove colons before hashing).
        #expect(!XDMFormat.uriReference.matches("1584479347507:2153:240"))
        #expect(!XDMFormat.uriReference.matches("has space"))
        #expect(!XDMFormat.uriReference.matches("a\"b"))
    }
}
