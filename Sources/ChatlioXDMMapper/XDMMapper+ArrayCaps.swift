extension XDMMapper {
    /// The most items each array the mapper fills from a payload may hold.
    ///
    /// Adobe's Profile guardrails (help/profile/guardrails.md in
    /// AdobeDocs/experience-platform.en) list "Array cardinality in
    /// ExperienceEvent | <=10 | Performance guardrail | The optimal array
    /// cardinality in an ExperienceEvent (time series data) is <=10." A
    /// transcript routinely has more messages than that. It is a performance
    /// guardrail, not a limit AEP enforces, so there are no caps by default
    /// (`.none`). ``profileGuardrail`` applies Adobe's figure.
    ///
    /// A capped event still tells the truth: `transcript.messageCount` stays
    /// the real count, `transcript.messagesOmitted` / `transcript.extraDataOmitted`
    /// say how many items were left out, `mapping.trimmed` (and
    /// ``MappingReport/trimmed``) names the range, and `transcript.textBody`
    /// keeps the whole conversation unless the size budget has to trim it.
    ///
    /// Which items stay:
    /// - **messages: the newest.** The size budget already drops the oldest
    ///   messages first, so the cap is the same cut made by count: one
    ///   contiguous run of the newest messages survives either way, and message
    ///   `i` of the event is message `messagesOmitted + i` of the transcript.
    ///   The newest messages hold how the chat ended (the answer, the
    ///   resolution) and sit next to the event's `timestamp`, which is the end
    ///   of the chat.
    /// - **extraData: the first**, in Chatlio's order (the strings have no time
    ///   and no documented meaning, so the order Chatlio sent is kept).
    ///
    /// ```swift
    /// var configuration = XDMMapper.Configuration(tenantID: "acme")
    /// configuration.arrayCaps = .profileGuardrail                    // 10 and 10
    /// configuration.arrayCaps.transcriptMessages = 25               // or any count ≥ 1
    /// let mapper = try XDMMapper(configuration: configuration)      // 0 or less: invalidConfiguration
    /// ```
    public struct ArrayCaps: Sendable, Hashable {
        /// The most messages in `transcript.messages`; `nil`: all of them.
        /// The newest are kept.
        public var transcriptMessages: Int?
        /// The most strings in `transcript.extraData`; `nil`: all of them.
        /// The first are kept.
        public var extraData: Int?

        public init(transcriptMessages: Int? = nil, extraData: Int? = nil) {
            self.transcriptMessages = transcriptMessages
            self.extraData = extraData
        }

        /// No caps: every item is written (the size budget may still drop the oldest messages).
        public static let none = ArrayCaps()

        /// Adobe's ExperienceEvent array guardrail, "<=10", for both arrays.
        public static let profileGuardrail = ArrayCaps(transcriptMessages: 10, extraData: 10)

        /// The first cap that cannot be met, named by its configuration path.
        func validate() throws(XDMMapperError) {
            for (name, cap) in [("transcriptMessages", transcriptMessages), ("extraData", extraData)] {
                if let cap, cap < 1 {
                    throw XDMMapperError(.invalidConfiguration, "arrayCaps.\(name) is \(cap); a cap must be at least 1 (nil for no cap)")
                }
            }
        }
    }
}
