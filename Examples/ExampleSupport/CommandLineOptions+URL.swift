public import Foundation

extension CommandLineOptions {
    /// An option's value as an absolute URL with a host (`http://127.0.0.1:8080/collection/x`), or a
    /// usage error naming the option.
    ///
    /// ```swift
    /// let inlet = try options.url("--inlet")
    /// ```
    public func url(_ option: String) throws(UsageError) -> URL? {
        guard let text = values[option] else { return nil }
        guard let url = URL(string: text), url.scheme != nil, url.host.map({ !$0.isEmpty }) == true else {
            throw UsageError(message: "\(option): \"\(text)\" is not a URL")
        }
        return url
    }
}
