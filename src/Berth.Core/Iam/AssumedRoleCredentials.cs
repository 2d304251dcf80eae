namespace Berth.Core.Iam;

/// <summary>AssumeRole's answer: the temporary credentials (shown once) and the assumed role user.</summary>
public sealed record AssumedRoleCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string AssumedRoleId,
    string AssumedRoleArn);
