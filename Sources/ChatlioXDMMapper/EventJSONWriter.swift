@_spi(ChatlioAEPInternal) import ChatlioJSON

/// Compact JSON written straight into one byte buffer, for the mapper's
/// fixed layout: keys are static literals, values the draft's strings.
///
/// Commas are tracked with a single flag: every value, once written, leaves
/// `needsComma` set, and opening an object or array clears it, so nesting
/// needs no stack. Strings go through `JSONStringEscaping`, the package's
/// one escaper (the size budget counts these bytes, so they must be the
/// bytes `JSONWriter` writes).
struct EventJSONWriter: ~Copyable, JSONByteSink {
    // A buffer of its own rather than `[UInt8]`: an array append checks
    // uniqueness and capacity and is a call per byte, which cost the mapper
    // more than all its decisions; here a write is a compare and a store.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    private var needsComma = false

    /// A writer with room for at least `capacity` bytes before it grows: the
    /// thread's kept buffer when it is large enough (``ThreadScratch``), unless
    /// `reusingThreadBuffer` is false (then exactly `capacity`, as tests of
    /// growth need).
    init(capacity: Int, reusingThreadBuffer: Bool = true) {
        let capacity = max(capacity, 1)
        if reusingThreadBuffer {
            (base, self.capacity) = ThreadScratch.take(atLeast: capacity)
        } else {
            (base, self.capacity) = (ThreadScratch.allocate(capacity), capacity)
        }
    }

    deinit { ThreadScratch.give(base, capacity: capacity) }

    /// The bytes written, as an array of exactly their size.
    consuming func finish() -> [UInt8] {
        let count = count
        let base = base
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let target = buffer.baseAddress { target.initialize(from: base, count: count) }
            initialized = count
        }
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(toHold: extra) }
    }

    @inline(never)
    private mutating func grow(toHold extra: Int) {
        let newCapacity = max(capacity &* 2, count &+ extra)
        let newBase = ThreadScratch.allocate(newCapacity)
        newBase.initialize(from: base, count: count)
        ThreadScratch.release(base)
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ run: UnsafeRawBufferPointer) {
        guard let source = run.baseAddress else { return }
        reserve(run.count)
        ShortByteRuns.copy(to: base + count, from: source, count: run.count)
        count &+= run.count
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func openObject() {
        append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func closeObject() {
        append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func openArray() {
        append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func closeArray() {
        append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Starts a member: `,"name":` (the comma when one is due). `name` needs no escaping.
    /// Inlined, so each call site copies a name of known length with fixed moves.
    @inline(__always)
    mutating func key(_ name: StaticString) {
        reserve(name.utf8CodeUnitCount &+ 4)
        if needsComma { base[count] = UInt8(ascii: ","); count &+= 1 }
        base[count] = UInt8(ascii: "\"")
        ShortByteRuns.copy(to: base + (count &+ 1), from: name.utf8Start, count: name.utf8CodeUnitCount)
        count &+= name.utf8CodeUnitCount &+ 1
        base[count] = UInt8(ascii: "\"")
        base[count &+ 1] = UInt8(ascii: ":")
        count &+= 2
        needsComma = false
    }

    /// Starts a member whose name is only known at run time (tenant, identity namespaces).
    /// A label of its own: with `key(_: String)` beside `key(_: StaticString)`, every
    /// literal key took the `String` overload (a literal's default type) and was scanned for escapes.
    mutating func key(named name: String) {
        if needsComma { append(UInt8(ascii: ",")) }
        string(name)
        append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Starts an array element.
    mutating func element() {
        if needsComma { append(UInt8(ascii: ",")) }
        needsComma = false
    }

    mutating func literal(_ text: StaticString) {
        append(text)
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    /// A decimal integer, as `JSONNumber(Int)` writes it.
    mutating func integer(_ value: Int) {
        reserve(21)  // a sign and Int.max's 19 digits fit
        if value < 0 { base[count] = UInt8(ascii: "-"); count &+= 1 }
        var magnitude = value.magnitude
        var digits = 0
        repeat {
            base[count &+ digits] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            digits &+= 1
        } while magnitude > 0
        var written = UnsafeMutableBufferPointer(start: base + count, count: digits)
        written.reverse()
        count &+= digits
        needsComma = true
    }

    /// A string already in JSON form, quotes included, copied as it is.
    @inline(__always)
    mutating func quotedRun(_ literal: UnsafeRawBufferPointer) {
        append(literal)
        needsComma = true
    }

    /// A JSON string given as checked string text with its escapes (the
    /// bytes between a string's quotes in the body), written as
    /// ``string(_:)`` writes the text it decodes to.
    mutating func string(escaped raw: UnsafeRawBufferPointer) {
        JSONStringEscaping.write(escaped: raw, to: &self)
        needsComma = true
    }

    /// A JSON string whose text `writeText` writes, escaped, between the quotes.
    mutating func quotedString(_ writeText: (inout EventJSONWriter) -> Void) {
        append(UInt8(ascii: "\""))
        writeText(&self)
        append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A JSON string whose text needs no escape by construction: an `_id`'s hex, a
    /// timestamp `RFC3339Timestamp.utcString` wrote, the mapper's own names. Copied
    /// without the scan ``string(_:)`` makes (checked in debug builds).
    mutating func string(verbatim value: String) {
        var value = value
        value.withUTF8 { utf8 in
            guard let source = utf8.baseAddress else {
                append(UInt8(ascii: "\""))
                append(UInt8(ascii: "\""))
                return
            }
            assert(JSONStringEscaping.nextEscape(in: UnsafeRawPointer(source), from: 0, count: utf8.count) == utf8.count, "\(utf8.count) bytes need escaping")
            appendQuoted(UnsafeRawPointer(source), count: utf8.count)
        }
        needsComma = true
    }

    /// A JSON string: `"…"` with `"`, `\` and control characters escaped.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            let text = UnsafeRawBufferPointer(utf8)
            guard let source = text.baseAddress,
                JSONStringEscaping.nextEscape(in: source, from: 0, count: text.count) == text.count
            else {
                // Rare: only strings that need an escape pay for the escaper.
                JSONStringEscaping.write(text, to: &self)
                return
            }
            appendQuoted(source, count: text.count)
        }
        needsComma = true
    }

    /// `"`, the `count` bytes at `source`, `"`.
    @inline(__always)
    private mutating func appendQuoted(_ source: UnsafeRawPointer, count byteCount: Int) {
        reserve(byteCount &+ 2)
        base[count] = UInt8(ascii: "\"")
        ShortByteRuns.copy(to: base + (count &+ 1), from: source, count: byteCount)
        count &+= byteCount &+ 1
        base[count] = UInt8(ascii: "\"")
        count &+= 1
    }
}
