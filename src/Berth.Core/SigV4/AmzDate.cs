using System.Globalization;

namespace Berth.Core.SigV4;

/// <summary>The ISO-8601 basic timestamp SigV4 signs (<c>20150830T123600Z</c>) and the HTTP <c>Date</c> fallback.</summary>
internal static class AmzDate
{
    private const string BasicFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString(BasicFormat, CultureInfo.InvariantCulture);

    public static bool TryParseBasic(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, BasicFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>An RFC 1123 <c>Date</c> header (<c>Sun, 30 Aug 2015 12:36:00 GMT</c>).</summary>
    public static bool TryParseHttpDate(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
