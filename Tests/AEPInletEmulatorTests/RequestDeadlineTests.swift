@testable import AEPInletEmulator
import Testing

@Suite struct RequestDeadlineTests {
    private let limits = RequestDeadline.Limits(idle: .seconds(30), head: .seconds(10), request: .seconds(20))
    private let start = ContinuousClock.now

    @Test func trickledBytesMoveTheIdleLimitButNotTheHeadOne() {
        var deadline = RequestDeadline(limits: limits, accepted: start)
        #expect(deadline.next(readingHead: true) == (start.advanced(by: .seconds(10)), .head))
        for second in 1 ... 9 { deadline.received(at: start.advanced(by: .seconds(second))) }
        #expect(deadline.next(readingHead: true) == (start.advanced(by: .seconds(10)), .head))
        // Headers done: the body has until the whole-request limit.
        #expect(deadline.next(readingHead: false) == (start.advanced(by: .seconds(20)), .request))
    }

    @Test func silenceEndsARequestBeforeItsDeadlines() {
        let short = RequestDeadline.Limits(idle: .seconds(1), head: .seconds(10), request: .seconds(20))
        var deadline = RequestDeadline(limits: short, accepted: start)
        deadline.received(at: start.advanced(by: .seconds(3)))
        #expect(deadline.next(readingHead: true) == (start.advanced(by: .seconds(4)), .idle))
    }

    @Test func betweenRequestsOnlyTheIdleLimitRunsUntilTheNextRequestBegins() {
        var deadline = RequestDeadline(limits: limits, accepted: start)
        deadline.responded(at: start.advanced(by: .seconds(5)), nextRequestBuffered: false)
        #expect(deadline.next(readingHead: true) == (start.advanced(by: .seconds(35)), .idle))
        deadline.received(at: start.advanced(by: .seconds(25)))
        #expect(deadline.next(readingHead: true) == (start.advanced(by: .seconds(35)), .head))
    }

    @Test func aPipelinedRequestIsTimedFromTheResponseBeforeIt() {
        var deadline = RequestDeadline(limits: limits, accepted: start)
        deadline.responded(at: start.advanced(by: .seconds(2)), nextRequestBuffered: true)
        #expect(deadline.next(readingHead: true) == (start.advanced(by: .seconds(12)), .head))
    }
}
