using System.Globalization;

namespace Berth.Core.IamPolicies;

/// <summary>Date condition values: ISO 8601 (<c>2026-01-01T00:00:00Z</c>, a date alone) or seconds since the epoch (<c>1735689600</c>).</summary>
internal static class PolicyDates
{
    public static DateTimeOffset? TryParse(string text)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;
    }
}
