/// The input as a buffer (libFuzzer may pass a dangling pointer for an empty input).
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}

/// Stops the fuzzer with a message when a property does not hold; libFuzzer
/// keeps the input as a crash artifact.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        fatalError("property violated: \(message())", file: file, line: line)
    }
}

/// Whether `pointer` has the JSON Pointer form: empty, or "/" first. Checked
/// on Unicode scalars: a "/" followed by a combining mark is one Character.
public func isJSONPointer(_ pointer: String) -> Bool {
    pointer.isEmpty || pointer.unicodeScalars.first == "/"
}
