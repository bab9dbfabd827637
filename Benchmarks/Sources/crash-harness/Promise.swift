import Foundation

/// An event whose `send` returned: its id, number, and the send call's start and end (epoch ms).
struct Promise {
    var id: String
    var number: Int
    var sendStarted: Int64
    var sendReturned: Int64
}

/// Reads a child's stdout; complete "ok <id> <n> <t0> <t1>" lines are promises.
final class PromiseReader: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private(set) var promised: [Promise] = []

    func consume(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            let parts = line.split(separator: " ")
            if parts.count == 5, parts[0] == "ok", let number = Int(parts[2]), let started = Int64(parts[3]), let returned = Int64(parts[4]) {
                promised.append(Promise(id: String(parts[1]), number: number, sendStarted: started, sendReturned: returned))
            }
        }
    }

    func take() -> [Promise] {
        lock.lock()
        defer { lock.unlock() }
        return promised
    }
}
