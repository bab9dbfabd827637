/// Runs a compiled program over bytes, tracking every NFA state at once.
enum PikeVM {
    static func search(_ program: UnsafeBufferPointer<Instruction>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = program.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: count * 5 + 2) { memory in
            // current list, next list, "added at step" marks, and a work stack for closures.
            var state = PikeState(memory: memory, count: count)
            var step = 1
            state.clearMarks()
            if state.addThread(program, 0, at: 0, inputCount: bytes.count, list: 0, step: step) { return true }
            for position in 0..<bytes.count {
                let byte = bytes[position]
                step += 1
                state.nextCount = 0
                for slot in 0..<state.currentCount {
                    let pc = state.current(slot)
                    if case .byte(let set) = program[pc], set.contains(byte) {
                        if state.addThread(program, pc + 1, at: position + 1, inputCount: bytes.count, list: 1, step: step) { return true }
                    }
                }
                // Unanchored search: a new attempt starts at every position.
                if state.addThread(program, 0, at: position + 1, inputCount: bytes.count, list: 1, step: step) { return true }
                state.swapLists()
            }
            return false
        }
    }
}
