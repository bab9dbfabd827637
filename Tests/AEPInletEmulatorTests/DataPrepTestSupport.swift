@testable import AEPInletEmulator
import ChatlioJSON
import Foundation

/// A Data Prep evaluator with a fixed clock and a fixed `uuid()`, so outputs compare.
enum DataPrepFixture {
    /// 2021-10-26T10:10:24Z, functions.md's `now()` sample output.
    static let now = Date(timeIntervalSince1970: 1_635_243_024)
    static let uuid = "7c0267d2-bb74-4e1a-9275-3bf4fccda5f4"
    static let evaluator = DataPrepEvaluator(now: { now }, uuid: { uuid })

    /// `text` evaluated against `source`, as the entity would store it (`.null`, which `nil` spells, for null).
    static func evaluate(_ text: String, in source: JSONValue = [:]) throws -> JSONValue {
        try evaluator.evaluate(DataPrepExpression(parsing: text), in: source).written
    }

    /// The error `text` gives when parsed or evaluated.
    static func error(_ text: String, in source: JSONValue = [:]) -> DataPrepError? {
        do throws(DataPrepError) {
            _ = try evaluator.evaluate(DataPrepExpression(parsing: text), in: source)
            return nil
        } catch {
            return error
        }
    }
}
