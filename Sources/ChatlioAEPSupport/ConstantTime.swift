/// Compares a presented secret with the expected one in time that depends
/// only on the expected secret's length, not on where they first differ, so a
/// caller guessing a token learns nothing from how fast a wrong guess fails.
///
/// ```swift
/// guard constantTimeEquals(presentedToken, configuredToken) else { return .unauthorized }
/// ```
package func constantTimeEquals(_ presented: some StringProtocol, _ expected: some StringProtocol) -> Bool {
    let presented = Array(presented.utf8)
    let expected = Array(expected.utf8)
    var difference: UInt8 = presented.count == expected.count ? 0 : 1
    for index in 0 ..< expected.count {
        // Read a byte of `presented` on every round, even past its end, so the
        // loop's work never depends on the presented length either.
        let byte = presented.isEmpty ? 0 : presented[index % presented.count]
        difference |= byte ^ expected[index]
    }
    return difference == 0
}
