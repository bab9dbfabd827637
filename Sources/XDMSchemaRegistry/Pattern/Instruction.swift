/// One NFA instruction.
enum Instruction: Sendable, Hashable {
    case byte(ByteSet)
    case split(Int, Int)
    case jump(Int)
    case assertStart
    case assertEnd
    case match
}
