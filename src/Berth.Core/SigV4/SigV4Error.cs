using System.Globalization;

namespace Berth.Core.SigV4;

/// <summary>
/// A SigV4 rejection as AWS JSON services word it: <see cref="Code"/> is the <c>__type</c> and <see cref="Message"/>
/// the <c>message</c> of the error body. ECR answers all of them with HTTP 400.
/// Some messages echo the client's own Authorization header back to it, as AWS does: never log <see cref="Message"/>.
/// </summary>
public sealed record SigV4Error(string Code, string Message)
{
    public const string MissingAuthenticationTokenCode = "MissingAuthenticationTokenException";
    public const string IncompleteSignatureCode = "IncompleteSignatureException";
    public const string UnrecognizedClientCode = "UnrecognizedClientException";
    public const string InvalidSignatureCode = "InvalidSignatureException";
    public const string ExpiredTokenCode = "ExpiredTokenException";

    /// <summary>The HTTP status ECR answers these errors with.</summary>
    public const int HttpStatus = 400;

    internal static SigV4Error MissingAuthenticationToken() =>
        new(MissingAuthenticationTokenCode, "Missing Authentication Token");

    public static SigV4Error UnrecognizedClient() =>
        new(UnrecognizedClientCode, "The security token included in the request is invalid.");

    /// <summary>Temporary credentials (X-Amz-Security-Token) past their expiry.</summary>
    public static SigV4Error ExpiredToken() =>
        new(ExpiredTokenCode, "The security token included in the request is expired");

    internal static SigV4Error SignatureMismatch() =>
        new(InvalidSignatureCode,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
            "Access Key and signing method. Consult the service documentation for details.");

    internal static SigV4Error HostNotSigned() =>
        new(InvalidSignatureCode, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    /// <summary>One or more required parts are absent; AWS lists each, then echoes the header.</summary>
    internal static SigV4Error MissingAuthorizationParts(IEnumerable<string> missing, string authorization) =>
        new(IncompleteSignatureCode, string.Join(' ', missing) + " Authorization=" + authorization);

    internal static SigV4Error NotKeyValuePair(string token, string authorization) =>
        new(IncompleteSignatureCode,
            $"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'.");

    internal static SigV4Error MissingQueryParameters(IEnumerable<string> missing) =>
        new(IncompleteSignatureCode, string.Join(' ', missing) + " Re-examine the query-string parameters.");

    internal static SigV4Error DateNotIso8601(string value) =>
        new(IncompleteSignatureCode,
            $"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601");

    internal static SigV4Error CredentialNotFiveParts(string credential) =>
        new(IncompleteSignatureCode,
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
            $"got '{credential}'");

    internal static SigV4Error InvalidExpires(string value) =>
        new(IncompleteSignatureCode,
            $"X-Amz-Expires must be a whole number of seconds from 1 to 604800 (one week), got '{value}'.");

    /// <summary>Scope mismatches are reported together, each sentence followed by a space, as AWS does.</summary>
    internal static SigV4Error ScopeMismatch(IEnumerable<string> problems) =>
        new(InvalidSignatureCode, string.Concat(problems.Select(p => p + " ")));

    internal static SigV4Error Expired(DateTimeOffset signedAt, DateTimeOffset now, TimeSpan window) =>
        new(InvalidSignatureCode,
            $"Signature expired: {AmzDate.Format(signedAt)} is now earlier than {AmzDate.Format(now - window)} " +
            $"({AmzDate.Format(now)} - {Describe(window)}.)");

    internal static SigV4Error NotYetCurrent(DateTimeOffset signedAt, DateTimeOffset now, TimeSpan window) =>
        new(InvalidSignatureCode,
            $"Signature not yet current: {AmzDate.Format(signedAt)} is still later than {AmzDate.Format(now + window)} " +
            $"({AmzDate.Format(now)} + {Describe(window)}.)");

    private static string Describe(TimeSpan window) =>
        window.Ticks % TimeSpan.TicksPerMinute == 0
            ? ((long)window.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min"
            : ((long)window.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " sec";
}
