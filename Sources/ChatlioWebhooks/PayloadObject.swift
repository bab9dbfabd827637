@_spi(ChatlioAEPInternal) import ChatlioJSON

/// Where a model's JSON object lives: an object entry of the body's tape,
/// and, for models made with `init(jsonObject:)`, the object they were given.
///
/// A decoded body keeps its bytes and their index, not a tree: the tree is
/// built each time ``jsonObject`` is asked for (keep it if you need it more
/// than once), and digests read the bytes directly
/// (``streamCanonicalBytes(_:)``).
///
/// Equality is the objects' equality (`JSONObject` `==`), with shortcuts when
/// both sides share a tape or the same bytes. Hashing adds nothing: a model's
/// fields are read from its object, so equal objects have equal fields, and
/// the fields carry the hash; hashing the object would mean building it.
struct PayloadObject: Sendable, Hashable {
    let tape: JSONTape
    /// The object's entry in ``tape``.
    let index: Int
    /// The object a model was created with, kept as given.
    let given: JSONObject?

    init(tape: JSONTape, index: Int, given: JSONObject? = nil) {
        self.tape = tape
        self.index = index
        self.given = given
    }

    /// A tape of `object`, for models created from a tree: their fields are
    /// read through the same reader as a body's.
    init(given object: JSONObject, kind: WebhookKind?) throws(ChatlioWebhookError) {
        do {
            let tape = try JSONTape(bytes: JSONValue.object(object).serialized(), options: JSONParsingOptions(maxBytes: .max, maxDepth: .max))
            self.init(tape: tape, index: 0, given: object)
        } catch {
            throw ChatlioWebhookError(error, kind: kind)
        }
    }

    /// The entry of a text field the model does not have (absent, `null` or `""`).
    static let noEntry: Int32 = -1

    /// The text of a field's string entry, or `nil` for ``noEntry``.
    func text(_ entry: Int32) -> String? {
        entry < 0 ? nil : tape.string(at: Int(entry))
    }

    /// The timestamp at a field's entry, which the reader has checked, or `nil` for ``noEntry``.
    func timestamp(_ entry: Int32) -> RFC3339Timestamp? {
        text(entry).flatMap(RFC3339Timestamp.init(parsing:))
    }

    /// The instant of ``timestamp(_:)``, read from the entry's bytes: no `String`, no text kept;
    /// `nil` for ``noEntry`` or a string that is not RFC 3339 (the reader's check of a timestamp field).
    func instant(_ entry: Int32) -> RFC3339Instant? {
        guard entry >= 0 else { return nil }
        let value = tape.entries[Int(entry)]
        // An escape in a timestamp is odd but legal JSON: the decoded text decides then.
        guard !value.hasEscapes else { return timestamp(entry)?.instant }
        return tape.bytes.withUnsafeBytes { RFC3339Timestamp.instant(utf8: UnsafeRawBufferPointer(rebasing: $0[Int(value.start)..<Int(value.end)])) }
    }

    /// The object, as given or built from the tape.
    var jsonObject: JSONObject {
        given ?? tape.object(at: index)
    }

    /// The object's canonical bytes, as ``JSONValue/streamCanonicalBytes(of:_:)`` streams them.
    func streamCanonicalBytes(_ consume: (UnsafeRawBufferPointer) -> Void) {
        if let given {
            JSONValue.streamCanonicalBytes(of: given, consume)
        } else {
            tape.streamCanonicalBytes(ofValueAt: index, consume)
        }
    }

    /// The same bytes into a consumer that allocates nothing to be called.
    func streamCanonicalBytes(into consumer: CanonicalBytesConsumer) {
        if let given {
            JSONValue.streamCanonicalBytes(of: given, into: consumer)
        } else {
            tape.streamCanonicalBytes(ofValueAt: index, into: consumer)
        }
    }

    /// The member `name` of the object, or `nil`; builds only that member's value.
    func member(_ name: String) -> JSONValue? {
        if let given { return given[name] }
        return tape.member(named: name, inObjectAt: index).map { tape.value(at: $0) }
    }

    /// The members whose names are not in `known`, building only their values.
    func members(notIn known: Set<String>) -> JSONObject {
        if let given { return JSONObject.members(of: given, notIn: known) }
        var unknown = JSONObject()
        let end = Int(tape.entries[index].next)
        var key = index + 1
        while key < end {
            let name = tape.string(at: key)
            if !known.contains(name) { unknown[name] = tape.value(at: key + 1) }
            key = tape.skip(key + 1)
        }
        return unknown
    }

    static func == (lhs: PayloadObject, rhs: PayloadObject) -> Bool {
        if lhs.tape === rhs.tape && lhs.index == rhs.index { return true }
        if lhs.given == nil && rhs.given == nil && lhs.tape.bytes(ofValueAt: lhs.index) == rhs.tape.bytes(ofValueAt: rhs.index) { return true }
        return lhs.jsonObject == rhs.jsonObject
    }

    func hash(into hasher: inout Hasher) {}
}

extension JSONTape {
    /// The bytes the value at `index` spans in the document.
    fileprivate func bytes(ofValueAt index: Int) -> ArraySlice<UInt8> {
        let entry = entries[index]
        return bytes[Int(entry.start)..<Int(entry.end)]
    }
}
