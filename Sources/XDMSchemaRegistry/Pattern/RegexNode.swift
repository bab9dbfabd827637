/// A parsed regular expression.
indirect enum RegexNode {
    /// One character from an ASCII set, or (when `orNonASCII`) any non-ASCII character.
    case character(ByteSet, orNonASCII: Bool)
    /// The UTF-8 bytes of one literal non-ASCII character.
    case bytes([UInt8])
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
    case start
    case end
}
