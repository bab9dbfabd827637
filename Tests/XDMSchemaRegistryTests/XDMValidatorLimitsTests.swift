import ChatlioJSON
import Foundation
import Testing
import XDMSchemaRegistry

/// `validate(json:)` takes untrusted bytes: its parser's size and depth
/// limits hold, and the error names the limit, not the content.
@Suite struct XDMValidatorLimitsTests {
    private static func validator(_ parsing: JSONParsingOptions = .default) throws -> XDMValidator {
        try ChatlioXDM(tenantID: "acme").experienceEventValidator(options: .init(parsing: parsing))
    }

    private static func nested(_ depth: Int) -> [UInt8] {
        Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8)
    }

    private static func refusal(_ validator: XDMValidator, _ bytes: [UInt8]) -> XDMSchemaError? {
        do {
            _ = try validator.validate(json: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDefaultLimitsAreOneMebibyteAndSixtyFourLevels() throws {
        let validator = try Self.validator()
        #expect(validator.options.parsing == JSONParsingOptions(maxBytes: 1 << 20, maxDepth: 64))
        #expect(Self.refusal(validator, Self.nested(64)) == nil)
        let deep = try #require(Self.refusal(validator, Self.nested(65)))
        #expect(deep.code == .invalidJSON && deep.reason.contains("nesting too deep"))
        // 100,000 levels: refused at level 65, no stack exhaustion.
        #expect(Self.refusal(validator, Self.nested(100_000))?.reason.contains("nesting too deep") == true)
        var large = Array(#"{"_id":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20) + Array(#""}"#.utf8)
        let tooLarge = try #require(Self.refusal(validator, large))
        #expect(tooLarge.code == .invalidJSON && tooLarge.reason.contains("input too large"))
        #expect(!tooLarge.reason.contains("xxxx"))
        large.removeLast((large.count - (1 << 20)) + 2)
        large += Array(#""}"#.utf8)
        #expect(large.count == 1 << 20)
        #expect(Self.refusal(validator, large) == nil)
    }

    @Test func tighterLimitsApply() throws {
        let validator = try Self.validator(JSONParsingOptions(maxBytes: 100, maxDepth: 3))
        #expect(Self.refusal(validator, Self.nested(3)) == nil)
        #expect(Self.refusal(validator, Self.nested(4))?.reason.contains("nesting too deep") == true)
        #expect(Self.refusal(validator, Array(repeating: UInt8(ascii: " "), count: 101))?.reason.contains("input too large") == true)
    }
}
