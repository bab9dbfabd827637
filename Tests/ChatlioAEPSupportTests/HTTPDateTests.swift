import ChatlioAEPSupport
import Foundation
import Testing

@Suite struct HTTPDateTests {
    @Test(arguments: [
        (784_111_777.0, "Sun, 06 Nov 1994 08:49:37 GMT"),   // RFC 9110's example
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_835_481_599, "Tue, 29 Feb 2028 23:59:59 GMT"),
        (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        (1_700_000_000.999, "Tue, 14 Nov 2023 22:13:20 GMT"),   // fractions are dropped, not rounded
    ])
    func writesIMFFixdate(_ seconds: Double, _ text: String) {
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: seconds)) == text)
    }

    /// What the emulator writes the client reads back, to the second, for instants spread over the range.
    @Test func everyWrittenDateReadsBack() {
        var seconds: Int64 = 0
        while seconds < 253_402_300_799 {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = HTTPDate.string(from: date)
            #expect(HTTPDate.date(from: text) == date, "\(text)")
            seconds += 86_400 * 97 + 3_671   // steps through weekdays, months and times of day
        }
    }

    @Test(arguments: ["", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06 Nov 1994 08:49:37 GMT",
                      "Sun, 06 Nov 1969 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
                      "Sun, 06 Nov 1994 24:00:00 GMT"])
    func refusesWhatIsNotIMFFixdate(_ text: String) {
        #expect(HTTPDate.date(from: text) == nil)
    }
}
