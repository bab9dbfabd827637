/// Compares a presented secret with the expected one in time that depends
/// only on the expected secret's length, not on where they first differ.
///
/// ```swift
/// ConstantTime.equals(presented, expected)
/// ```
public enum ConstantTime {
    public static func equals(_ presented: String, _ expected: String) -> Bool {
        constantTimeEquals(presented, expected)
    }
}
