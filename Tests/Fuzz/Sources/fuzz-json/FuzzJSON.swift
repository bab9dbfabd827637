import ChatlioJSON
import FuzzSupport

/// The JSON parser and writer.
///
/// Properties, for a document that parses:
/// - parse(serialize(x)) == x, sorted and unsorted;
/// - sorted serialization is a fixed point: serialize(parse(serialize(x))) == serialize(x);
/// - the output is valid UTF-8 and its nesting stays within the parser's limit;
/// - parsing from `Data`, from a byte array and from a `String` agree.
/// For one that does not: the error's pointer is empty or starts with "/",
/// its byte offset lies inside the input, and the three entry points agree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let parsed = Result { () throws(JSONParsingError) in try JSONValue(parsing: Array(input)) }
    let fromRaw = Result { () throws(JSONParsingError) in try JSONValue.parse(UnsafeRawBufferPointer(input)) }
    require(parsed == fromRaw, "Array and raw-buffer parsing disagree")
    if let text = String(validating: input, as: UTF8.self) {
        let fromString = Result { () throws(JSONParsingError) in try JSONValue(parsing: text) }
        require(parsed == fromString, "byte and String parsing disagree")
    }
    switch parsed {
    case .success(let value):
        require(value.nestingDepth <= JSONParsingOptions.default.maxDepth, "nesting \(value.nestingDepth) above the limit")
        let sorted = value.serialized(sortedKeys: true)
        let unsorted = value.serialized(sortedKeys: false)
        require(String(validating: sorted, as: UTF8.self) != nil, "the writer produced invalid UTF-8")
        require((try? JSONValue(parsing: sorted)) == value, "parse(serialize(x, sorted)) ≠ x")
        require((try? JSONValue(parsing: unsorted)) == value, "parse(serialize(x)) ≠ x")
        require(sorted.count == unsorted.count, "sorted and unsorted output differ in length")
        if let again = try? JSONValue(parsing: sorted) {
            require(again.serialized(sortedKeys: true) == sorted, "sorted serialization is not a fixed point")
        }
    case .failure(let error):
        require(isJSONPointer(error.pointer), "pointer \(error.pointer.debugDescription)")
        require((0...input.count).contains(error.byteOffset), "byte offset \(error.byteOffset) outside \(input.count) bytes")
        require(!error.reason.isEmpty && error.description.contains(error.code.description), "empty reason or description")
    }
    return 0
}
