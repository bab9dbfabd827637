/// Thread lists and marks for ``PikeVM`` in one temporary allocation.
struct PikeState {
    let memory: UnsafeMutableBufferPointer<Int>
    let count: Int
    var currentBase: Int
    var nextBase: Int
    var currentCount = 0
    var nextCount = 0
    let marksBase: Int
    let stackBase: Int

    init(memory: UnsafeMutableBufferPointer<Int>, count: Int) {
        self.memory = memory
        self.count = count
        currentBase = 0
        nextBase = count
        marksBase = count * 2
        stackBase = count * 3
    }

    func clearMarks() {
        for index in 0..<count { memory[marksBase + index] = 0 }
    }

    func current(_ slot: Int) -> Int { memory[currentBase + slot] }

    mutating func swapLists() {
        swap(&currentBase, &nextBase)
        currentCount = nextCount
        nextCount = 0
    }

    /// Adds `pc` and everything reachable from it without consuming input to a
    /// list (0 = current, 1 = next); returns `true` when `match` is reachable.
    mutating func addThread(
        _ program: UnsafeBufferPointer<Instruction>, _ pc: Int, at position: Int, inputCount: Int, list: Int, step: Int
    ) -> Bool {
        memory[stackBase] = pc
        var stackCount = 1
        while stackCount > 0 {
            stackCount -= 1
            let pc = memory[stackBase + stackCount]
            guard memory[marksBase + pc] != step else { continue }
            memory[marksBase + pc] = step
            switch program[pc] {
            case .match:
                return true
            case .jump(let target):
                memory[stackBase + stackCount] = target
                stackCount += 1
            case .split(let first, let second):
                // Each pc is expanded once per step and pushes at most two
                // entries, so the stack never holds more than 2 × count + 1.
                memory[stackBase + stackCount] = second
                memory[stackBase + stackCount + 1] = first
                stackCount += 2
            case .assertStart:
                if position == 0 {
                    memory[stackBase + stackCount] = pc + 1
                    stackCount += 1
                }
            case .assertEnd:
                if position == inputCount {
                    memory[stackBase + stackCount] = pc + 1
                    stackCount += 1
                }
            case .byte:
                if list == 0 {
                    memory[currentBase + currentCount] = pc
                    currentCount += 1
                } else {
                    memory[nextBase + nextCount] = pc
                    nextCount += 1
                }
            }
        }
        return false
    }
}
