/// Compiles a ``RegexNode`` into NFA instructions.
struct RegexCompiler {
    var program: [Instruction] = []
    static let maximumProgramSize = 20_000

    mutating func emit(_ node: RegexNode, source: String) throws(XDMSchemaError) {
        guard program.count < Self.maximumProgramSize else {
            throw XDMSchemaError(.unsupportedPattern, "pattern \"\(source)\" compiles to more than \(Self.maximumProgramSize) instructions")
        }
        switch node {
        case .character(let set, let orNonASCII):
            if !orNonASCII {
                program.append(.byte(set))
                return
            }
            // set | 2-byte | 3-byte | 4-byte UTF-8 sequence.
            let lead2 = ByteSet(0xC0...0xDF), lead3 = ByteSet(0xE0...0xEF), lead4 = ByteSet(0xF0...0xF7)
            let continuation = ByteSet(0x80...0xBF)
            let branches: [[ByteSet]] = [
                [set], [lead2, continuation], [lead3, continuation, continuation], [lead4, continuation, continuation, continuation],
            ]
            try emitAlternation(branches.map { sets in .sequence(sets.map { .character($0, orNonASCII: false) }) }, source: source)
        case .bytes(let bytes):
            for byte in bytes { program.append(.byte(ByteSet(byte...byte))) }
        case .sequence(let items):
            for item in items { try emit(item, source: source) }
        case .alternation(let branches):
            try emitAlternation(branches, source: source)
        case .repetition(let body, let minimum, let maximum):
            for _ in 0..<minimum { try emit(body, source: source) }
            if let maximum {
                // Each optional copy: split(body, skip-all).
                var exits: [Int] = []
                for _ in minimum..<maximum {
                    exits.append(program.count)
                    program.append(.split(program.count + 1, 0))
                    try emit(body, source: source)
                }
                for exit in exits { program[exit] = .split(exit + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, 0))
                try emit(body, source: source)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        case .start:
            program.append(.assertStart)
        case .end:
            program.append(.assertEnd)
        }
    }

    private mutating func emitAlternation(_ branches: [RegexNode], source: String) throws(XDMSchemaError) {
        var jumpsToEnd: [Int] = []
        for (index, branch) in branches.enumerated() {
            if index < branches.count - 1 {
                let split = program.count
                program.append(.split(split + 1, 0))
                try emit(branch, source: source)
                jumpsToEnd.append(program.count)
                program.append(.jump(0))
                program[split] = .split(split + 1, program.count)
            } else {
                try emit(branch, source: source)
            }
        }
        for jump in jumpsToEnd { program[jump] = .jump(program.count) }
    }
}
