/// UTF-8 well-formedness (Unicode 15, table 3-7), as `String(validating:as:)`
/// decides it, without creating a string: the tape checks every non-ASCII
/// string once while indexing and creates strings later only for what a
/// reader keeps.
enum JSONUTF8 {
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var offset = 0
        while offset < count {
            // Eight ASCII bytes at a time.
            if offset + 8 <= count, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                offset += 8
                continue
            }
            let lead = base.load(fromByteOffset: offset, as: UInt8.self)
            if lead < 0x80 {
                offset += 1
                continue
            }
            let length: Int
            var secondLow: UInt8 = 0x80
            var secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondHigh = 0x9F
            case 0xF0: length = 4; secondLow = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondHigh = 0x8F
            default: return false
            }
            guard offset + length <= count else { return false }
            let second = base.load(fromByteOffset: offset + 1, as: UInt8.self)
            guard second >= secondLow, second <= secondHigh else { return false }
            for continuation in 2..<length {
                let byte = base.load(fromByteOffset: offset + continuation, as: UInt8.self)
                guard byte & 0xC0 == 0x80 else { return false }
            }
            offset += length
        }
        return true
    }
}
