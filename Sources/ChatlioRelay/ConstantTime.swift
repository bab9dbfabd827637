/// Compares a presented secret with the expected one in time that depends
/// only on the expected secret's length, not on where they first differ.
///
/// ```swift
/// ConstantTime.equals(presented, expected)
/// ```
public enum ConstantTime {
    public static func equals(_ presented: String, _ expected: String) -> Bool {
        let presented = Array(presented.utf8)
        let expected = Array(expected.utf8)
        var difference = UInt8(truncatingIfNeeded: presented.count ^ expected.count)
        for index in 0..<expected.count {
            // Read a byte of `presented` on every round, even past its end.
            let byte = presented.isEmpty ? 0 : presented[index % presented.count]
            difference |= byte ^ expected[index]
        }
        return difference == 0 && presented.count == expected.count
    }
}
