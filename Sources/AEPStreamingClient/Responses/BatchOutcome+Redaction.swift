extension BatchOutcome {
    /// The same outcome with every text that came from the other side passed
    /// through `redactor`: an inlet may echo the `Authorization` header, raw or
    /// encoded, into a problem message, and these texts go into logs,
    /// delivery reports and dead letters.
    func redacted(by redactor: SecretRedactor) -> BatchOutcome {
        guard !redactor.isEmpty else { return self }
        switch self {
        case .perMessage(let verdicts, let retryAfter):
            return .perMessage(verdicts.map { $0.redacted(by: redactor) }, retryAfter: retryAfter)
        case .requestFailed(var failure):
            failure.message = redactor.redact(failure.message)
            return .requestFailed(failure)
        case .rejectAll(let status, let message):
            return .rejectAll(status: status, message: redactor.redact(message))
        case .split(let status, let message):
            return .split(status: status, message: redactor.redact(message))
        case .refreshAuthentication(let status, let message):
            return .refreshAuthentication(status: status, message: redactor.redact(message))
        case .disableSyncValidation(let message):
            return .disableSyncValidation(message: redactor.redact(message))
        }
    }
}

extension MessageVerdict {
    func redacted(by redactor: SecretRedactor) -> MessageVerdict {
        switch self {
        case .delivered: self
        case .retry(let status, let message): .retry(status: status, message: redactor.redact(message))
        case .reject(let status, let message): .reject(status: status, message: redactor.redact(message))
        }
    }
}
