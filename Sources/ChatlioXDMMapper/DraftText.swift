@_spi(ChatlioAEPInternal) import ChatlioJSON
@_spi(ChatlioAEPInternal) import ChatlioWebhooks
import XDMSchemaRegistry

/// A text value the draft will write: a string of the webhook's body, kept
/// as its entry on the body's tape, or text the mapper made (a hash, a
/// lower-cased email, a city).
///
/// Most values go out exactly as they came in, so the draft keeps their
/// place rather than a `String`: no allocation when the webhook is read, and
/// the writer copies the body's bytes, quotes included, in one go.
///
/// Made text is kept by its place in ``DraftTexts/made`` too, so a value is
/// two plain words: the draft's fifty-odd slots are copied and destroyed
/// without a retain, a release or a call each.
enum DraftText {
    /// A string entry of ``EventDraft/body``.
    case entry(Int32)
    /// Text the mapper made: its index in ``DraftTexts/made``, never empty.
    case made(Int32)
    /// The canonical JSON text (members sorted, as `Traits.sortedJSONText`) of
    /// the body's object at this entry: streamed into the writer from the
    /// body's bytes, never made into a `String` on the way out.
    case canonicalObject(Int32)
}

/// The body's bytes and tape entries, and the made texts, borrowed while the
/// draft writes or checks its values.
struct DraftBody {
    let bytes: UnsafeRawBufferPointer
    let entries: UnsafeBufferPointer<JSONTape.Entry>
    let made: [String]
    /// The tape itself, for ``DraftText/canonicalObject(_:)`` values.
    let tape: JSONTape?

    /// Calls `body` with the tape's storage, or with empty buffers when the draft has no tape.
    static func borrowing<Result, Failure: Error>(_ texts: DraftTexts, _ body: (DraftBody) throws(Failure) -> Result) throws(Failure) -> Result {
        guard let tape = texts.body else {
            return try body(DraftBody(bytes: UnsafeRawBufferPointer(start: nil, count: 0), entries: UnsafeBufferPointer(start: nil, count: 0), made: texts.made, tape: nil))
        }
        // The buffers' `withUnsafe…` rethrow untyped errors: the result carries the typed one across.
        let result: Swift.Result<Result, Failure> = tape.bytes.withUnsafeBytes { bytes in
            tape.entries.withUnsafeBufferPointer { entries in
                Swift.Result { () throws(Failure) in try body(DraftBody(bytes: bytes, entries: entries, made: texts.made, tape: tape)) }
            }
        }
        return try result.get()
    }

    /// The value's UTF-8: the entry's raw bytes when it holds no escape, else
    /// the decoded text, handed to `use`.
    func withUTF8<Result, Failure: Error>(_ value: DraftText, _ use: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result) throws(Failure) -> Result {
        switch value {
        case .entry(let index):
            let entry = entries[Int(index)]
            let raw = UnsafeRawBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
            guard entry.hasEscapes else { return try use(raw.assumingMemoryBound(to: UInt8.self)) }
            return try Self.withUTF8(of: JSONStringUnescaping.string(unescaping: raw), use)
        case .made(let index):
            return try Self.withUTF8(of: made[Int(index)], use)
        case .canonicalObject(let index):
            var bytes: [UInt8] = []
            tape?.streamCanonicalBytes(ofValueAt: Int(index)) { bytes.append(contentsOf: $0) }
            let result: Swift.Result<Result, Failure> = bytes.withUnsafeBufferPointer { utf8 in Swift.Result { () throws(Failure) in try use(utf8) } }
            return try result.get()
        }
    }

    private static func withUTF8<Result, Failure: Error>(of text: String, _ use: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result) throws(Failure) -> Result {
        var text = text
        let result: Swift.Result<Result, Failure> = text.withUTF8 { utf8 in Swift.Result { () throws(Failure) in try use(utf8) } }
        return try result.get()
    }
}

extension EventJSONWriter {
    /// A draft value as a JSON string: an entry without escapes is its
    /// body's bytes, quotes included (the tape has checked that they hold no
    /// `"`, `\` or control byte, so they are what the escaper would write).
    @inline(__always)
    mutating func string(_ value: DraftText, in body: DraftBody) {
        switch value {
        case .entry(let index):
            let entry = body.entries[Int(index)]
            if entry.hasEscapes {
                string(escaped: UnsafeRawBufferPointer(rebasing: body.bytes[Int(entry.start)..<Int(entry.end)]))
            } else {
                quotedRun(UnsafeRawBufferPointer(rebasing: body.bytes[Int(entry.start) - 1..<Int(entry.end) + 1]))
            }
        case .made(let index):
            string(body.made[Int(index)])
        case .canonicalObject(let index):
            canonicalText(ofObjectAt: Int(index), in: body)
        }
    }

    /// The canonical text of the body's object at `index`, as a JSON string:
    /// each chunk of the walk escaped as it comes (escaping looks at one byte
    /// at a time, so chunk by chunk gives the bytes escaping the whole would).
    private mutating func canonicalText(ofObjectAt index: Int, in body: DraftBody) {
        quotedString { writer in
            withUnsafeMutablePointer(to: &writer) { writer in
                body.tape?.streamCanonicalBytes(ofValueAt: index, into: CanonicalBytesConsumer(state: writer) { writer, start, count in
                    JSONStringEscaping.writeEscaping(UnsafeRawBufferPointer(start: start, count: count),
                                                     to: &writer.assumingMemoryBound(to: EventJSONWriter.self).pointee)
                })
            }
        }
    }
}

/// How the draft turns a webhook's fields into values: as entries of the
/// body when they go out as they came, as text when the privacy policy or a
/// normalisation changes them.
///
/// A value of its own, held by the draft, rather than methods on the draft:
/// calling a method of a large struct from its mutating methods made the
/// compiler copy the whole draft, once per event.
struct DraftTexts {
    /// The webhook's tape, which every ``DraftText/entry(_:)`` value indexes.
    let body: JSONTape?
    let privacy: XDMMapper.PrivacyPolicy
    /// The texts the mapper made, which every ``DraftText/made(_:)`` value indexes.
    private(set) var made: [String] = []

    /// `text` as a draft value, or `nil` when it is empty (the draft writes no empty strings).
    mutating func make(_ text: String) -> DraftText? {
        guard !text.isEmpty else { return nil }
        if made.isEmpty { made.reserveCapacity(8) }
        made.append(text)
        return .made(Int32(truncatingIfNeeded: made.count - 1))
    }

    /// A model's text field as a draft value: its entry when the model reads
    /// the draft's body (always, for one webhook), else its text.
    mutating func text(_ entry: Int32, of tape: JSONTape) -> DraftText? {
        guard entry >= 0 else { return nil }
        return body === tape ? .entry(entry) : make(tape.string(at: Int(entry)))
    }

    /// The value's text, decoded.
    func string(_ value: DraftText) -> String {
        switch value {
        case .entry(let index): body?.string(at: Int(index)) ?? ""
        case .made(let index): made[Int(index)]
        case .canonicalObject: DraftBody.borrowing(self) { body in body.withUTF8(value) { String(decoding: $0, as: UTF8.self) } }
        }
    }

    /// A traits value as the draft writes it: the body's object by its entry, else its text made.
    mutating func jsonText(of traits: Traits) -> DraftText? {
        if let object = traits.bodyObject, object.tape === body { return .canonicalObject(Int32(truncatingIfNeeded: object.index)) }
        return make(traits.rawText ?? traits.sortedJSONText)
    }

    /// Whether two values hold the same text.
    func same(_ first: DraftText, _ second: DraftText) -> Bool {
        string(first) == string(second)
    }

    /// The raw bytes of an entry without escapes, handed to `use`; `nil` for any other value.
    func withPlainBytes<Result>(_ value: DraftText, _ use: (UnsafeRawBufferPointer) -> Result) -> Result? {
        guard case .entry(let index) = value, let body else { return nil }
        let entry = body.entries[Int(index)]
        guard !entry.hasEscapes else { return nil }
        return body.bytes.withUnsafeBytes { use(UnsafeRawBufferPointer(rebasing: $0[Int(entry.start)..<Int(entry.end)])) }
    }

    /// `value` without surrounding white space, or `nil` when nothing is
    /// left; an entry with nothing to trim stays an entry.
    mutating func trimmed(_ value: DraftText?) -> DraftText? {
        guard let value else { return nil }
        let untouched = withPlainBytes(value) { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return !first.isTrimmable && !last.isTrimmable
        }
        if untouched == true { return value }
        return make(string(value).trimmed)
    }

    /// An email trimmed and lower-cased, or `nil` when nothing is left; an
    /// entry already in that form (ASCII, no upper case, nothing to trim) stays an entry.
    mutating func normalizedEmail(_ value: DraftText) -> DraftText? {
        let untouched = withPlainBytes(value) { bytes in
            guard let first = bytes.first, let last = bytes.last, !first.isTrimmable, !last.isTrimmable else { return false }
            return !bytes.contains { $0 >= 0x80 || $0 &- UInt8(ascii: "A") < 26 }
        }
        if untouched == true { return value }
        return make(string(value).trimmed.lowercased())
    }

    /// Whether the value is in `format`, checked over its bytes.
    func matches(_ format: XDMFormat, _ value: DraftText) -> Bool {
        DraftBody.borrowing(self) { body in body.withUTF8(value) { format.matches(utf8: $0) } }
    }

    /// How many bytes the value's text takes, before escaping.
    @inline(__always)
    func byteCount(_ value: DraftText?) -> Int {
        switch value {
        case .entry(let index): body.map { $0.entries[Int(index)].byteCount } ?? 0
        case .made(let index): made[Int(index)].utf8.count
        // At most the object's bytes in the body: the canonical text drops white space and
        // writes each escape in its shortest form.
        case .canonicalObject(let index): body.map { Int($0.entries[Int(index)].end &- $0.entries[Int(index)].start) } ?? 0
        case nil: 0
        }
    }

    // MARK: Privacy

    mutating func applying(_ action: XDMMapper.PrivacyAction, to text: DraftText?) -> DraftText? {
        guard let text else { return nil }
        switch action {
        case .keep: return text
        case .hash: return hashed(text)
        case .drop: return nil
        }
    }

    /// SHA-256 of the value's text, in hex.
    mutating func hashed(_ value: DraftText) -> DraftText? {
        make(SHA256.hexDigest(of: string(value)))
    }

    mutating func applyingName(_ name: DraftText?) -> DraftText? {
        privacy.name == .hash ? hashedName(name) : applying(privacy.name, to: name)
    }

    /// An email in a Chatlio-specific field: trimmed and lower-cased, hashed, or dropped.
    mutating func applyingEmailText(_ email: DraftText?) -> DraftText? {
        guard let email, let normalized = normalizedEmail(email) else { return nil }
        switch privacy.email {
        case .keep: return normalized
        case .hash: return hashed(normalized)
        case .drop: return nil
        }
    }

    /// SHA-256 of a trimmed, lower-cased name, or `nil` when there is no name.
    mutating func hashedName(_ name: DraftText?) -> DraftText? {
        guard let name else { return nil }
        let normalized = string(name).trimmed.lowercased()
        return normalized.isEmpty ? nil : make(SHA256.hexDigest(of: normalized))
    }
}

extension UInt8 {
    /// Whether `String.trimmed` may remove this byte at an end of a text
    /// (ASCII white space, or the start of a non-ASCII character, which may be).
    var isTrimmable: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self >= 0x80 }
}
