namespace Berth.Server.Tests.Iam;

/// <summary>Credentials to run the aws CLI with: a user's key, or a role session's (with its token).</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = SessionToken,
    };
}
