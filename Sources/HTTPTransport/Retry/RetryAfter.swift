import Foundation

/// Parses the hints providers give about when to try again.
@_spi(ProviderAuthoring) public enum RetryAfterParser {
    /// Parses a `Retry-After` header value: delay-seconds (`"120"`, also `"1.5"`) or an
    /// HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`, RFC 850 and asctime forms too), relative to
    /// `now`. A date in the past gives zero. Returns `nil` for anything else.
    ///
    /// ```swift
    /// RetryAfterParser.parse("2", now: Date())  // 2 seconds
    /// ```
    public static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), trimmed.first != "+", !trimmed.lowercased().contains("e") {
            return seconds >= 0 ? Duration.clampedSeconds(seconds) : nil
        }
        guard let date = httpDate(trimmed) else { return nil }
        return Duration.clampedSeconds(date.timeIntervalSince(now))
    }

    /// The delay until an epoch-seconds reset instant (`X-RateLimit-Reset`), relative to `now`.
    /// Values that look like milliseconds (over 10¹¹) are read as such. Returns `nil` for text
    /// that is not a number.
    public static func untilEpoch(_ value: String, now: Date) -> Duration? {
        guard var epoch = Double(value.trimmingCharacters(in: .whitespaces)), epoch.isFinite, epoch >= 0 else {
            return nil
        }
        if epoch > 1e11 { epoch /= 1000 }
        return Duration.clampedSeconds(epoch - now.timeIntervalSince1970)
    }

    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]

    static func httpDate(_ text: String) -> Date? {
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
