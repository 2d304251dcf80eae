using System.Security.Cryptography;

namespace Berth.Core.Iam;

/// <summary>
/// Identifiers as IAM forms them: a four-letter prefix naming the kind (AIDA user, AGPA group, AROA role, ANPA
/// policy, AKIA access key, ASIA temporary key) followed by random upper-case base-32 characters.
/// </summary>
public static class IamIds
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static string UniqueId(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "AIDA",
        IamEntityKind.Group => "AGPA",
        _ => "AROA",
    } + Random(Base32, 17);

    public static string PolicyId() => "ANPA" + Random(Base32, 17);

    public static string AccessKeyId() => "AKIA" + Random(Base32, 16);

    public static string TemporaryAccessKeyId() => "ASIA" + Random(Base32, 16);

    /// <summary>A 40-character secret access key.</summary>
    public static string SecretAccessKey() => Random(SecretAlphabet, 40);

    /// <summary>A session token: 96 random bytes, base64 (opaque to clients, as AWS's are).</summary>
    public static string SessionToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(96));

    private static string Random(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
}
