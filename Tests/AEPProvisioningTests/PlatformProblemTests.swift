@testable import AEPProvisioning
import AEPStreamingClient
import ChatlioJSON
import Testing

@Suite("PlatformProblem: AEP's problem details, read and redacted")
struct PlatformProblemTests {
    @Test("title, detail and report.message; message and error_code as fallbacks; an array's first problem")
    func shapes() throws {
        let redactor = SecretRedactor(["s3cret-value"])
        let problem = try #require(PlatformProblem(
            json: ["type": "t", "title": "Bad", "detail": "no s3cret-value here", "report": ["message": "m"]], redactor: redactor
        ))
        #expect(problem.description == "Bad: no <redacted> here (report: m)")
        let flat = try #require(PlatformProblem(json: [["message": "dataset missing", "error_code": "101013-400"]], redactor: redactor))
        #expect(flat.description == "dataset missing [101013-400]")
        #expect(PlatformProblem(json: ["unrelated": 1], redactor: redactor) == nil)
        #expect(PlatformProblem(json: nil, redactor: redactor) == nil)
    }

    @Test("a long text is cut after redaction, so a cut never leaves part of a secret")
    func bounded() throws {
        let secret = String(repeating: "k", count: 40)
        let text = String(repeating: "x", count: PlatformProblem.maxQuotedBytes - 10) + secret
        let problem = try #require(PlatformProblem(json: ["detail": .string(text)], redactor: SecretRedactor([secret])))
        #expect(!(problem.detail ?? "").contains("kkkk"))
        #expect((problem.detail ?? "").utf8.count <= PlatformProblem.maxQuotedBytes + 3)
    }
}
