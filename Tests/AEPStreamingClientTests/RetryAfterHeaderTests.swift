@testable import AEPStreamingClient
import Foundation
import Testing

@Suite("Retry-After parsing")
struct RetryAfterHeaderTests {
    let now = Date(timeIntervalSince1970: 784_111_777)   // Sun, 06 Nov 1994 08:49:37 GMT

    @Test("delay seconds")
    func seconds() {
        #expect(RetryAfterHeader.resumeDate("120", now: now) == now.addingTimeInterval(120))
        #expect(RetryAfterHeader.resumeDate(" 0 ", now: now) == now)
    }

    @Test("IMF-fixdate")
    func httpDate() {
        #expect(RetryAfterHeader.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == now)
        #expect(RetryAfterHeader.resumeDate("Sun, 06 Nov 1994 08:50:37 GMT", now: now) == now.addingTimeInterval(60))
        #expect(RetryAfterHeader.httpDate("Tue, 29 Feb 2028 23:59:59 GMT") == Date(timeIntervalSince1970: 1_835_481_599))
    }

    @Test("a date in the past means now")
    func pastDate() {
        #expect(RetryAfterHeader.resumeDate("Sat, 05 Nov 1994 08:49:37 GMT", now: now) == now)
    }

    @Test("invalid values are ignored", arguments: ["", "-5", "1.5", "soon", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Foo, 06 Nov 1994 08:49:37 GMT"])
    func invalid(_ value: String) {
        #expect(RetryAfterHeader.resumeDate(value, now: now) == nil)
    }
}
