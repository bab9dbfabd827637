import ChatlioAEPSupport
import Foundation
import Testing

@Suite("Retry-After parsing")
struct RetryAfterValueTests {
    let now = Date(timeIntervalSince1970: 784_111_777)   // Sun, 06 Nov 1994 08:49:37 GMT

    @Test("delay seconds")
    func seconds() {
        #expect(RetryAfterValue.resumeDate("120", now: now) == now.addingTimeInterval(120))
        #expect(RetryAfterValue.resumeDate(" 0 ", now: now) == now)
    }

    @Test("IMF-fixdate")
    func httpDate() {
        #expect(HTTPDate.date(from: "Sun, 06 Nov 1994 08:49:37 GMT") == now)
        #expect(RetryAfterValue.resumeDate("Sun, 06 Nov 1994 08:50:37 GMT", now: now) == now.addingTimeInterval(60))
        #expect(HTTPDate.date(from: "Tue, 29 Feb 2028 23:59:59 GMT") == Date(timeIntervalSince1970: 1_835_481_599))
    }

    @Test("a date in the past means now")
    func pastDate() {
        #expect(RetryAfterValue.resumeDate("Sat, 05 Nov 1994 08:49:37 GMT", now: now) == now)
    }

    // Found by fuzz-aep-response (Tests/Fuzz/Seeds/fuzz-aep-response/finding-far-future-date).
    @Test("a far-future date waits no longer than the longest delay in seconds")
    func farFutureDate() {
        #expect(RetryAfterValue.resumeDate("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == now.addingTimeInterval(1e9))
        #expect(RetryAfterValue.resumeDate("99999999999", now: now) == now.addingTimeInterval(1e9))
    }

    // Found by fuzz-aep-response (Tests/Fuzz/Seeds/fuzz-aep-response/finding-february-30).
    @Test("days the month does not have and signed fields are refused", arguments: [
        "Mon, 30 Feb 2016 12:00:00 GMT", "Sat, 29 Feb 2025 12:00:00 GMT", "Thu, 31 Apr 2025 12:00:00 GMT",
        "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 +8:49:37 GMT", "Sun, 06 Nov 1994 08:49::37 GMT",
    ])
    func impossibleDates(_ value: String) {
        #expect(HTTPDate.date(from: value) == nil)
    }

    @Test("the last day of each month and a leap second are accepted")
    func lastDays() {
        #expect(HTTPDate.date(from: "Mon, 29 Feb 2016 12:00:00 GMT") == Date(timeIntervalSince1970: 1_456_747_200))
        #expect(HTTPDate.date(from: "Wed, 30 Apr 2025 00:00:00 GMT") == Date(timeIntervalSince1970: 1_745_971_200))
        #expect(HTTPDate.date(from: "Thu, 31 Dec 1998 23:59:60 GMT") == Date(timeIntervalSince1970: 915_148_800))
    }

    @Test("invalid values are ignored", arguments: ["", "-5", "1.5", "soon", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Foo, 06 Nov 1994 08:49:37 GMT"])
    func invalid(_ value: String) {
        #expect(RetryAfterValue.resumeDate(value, now: now) == nil)
    }

    @Test("as a Duration (what the Platform client waits): rounded up to the millisecond; anything else is nil")
    func delay() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfterValue.delay("Tue, 14 Nov 2023 22:13:30 GMT", now: now) == .seconds(10))
        #expect(RetryAfterValue.delay("120", now: now) == .seconds(120))
        #expect(RetryAfterValue.delay("soon", now: now) == nil)
        #expect(RetryAfterValue.delay(nil, now: now) == nil)
        #expect(RetryAfterValue.delay("Tue, 14 Nov 2023 22:13:19 GMT", now: now.addingTimeInterval(-0.0004)) == .milliseconds(0))
    }
}
