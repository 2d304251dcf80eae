namespace Berth.Core.Credentials;

/// <summary>Who made a request: an account and an IAM principal ARN (the account root until IAM exists).</summary>
public sealed record Principal(string AccountId, string Arn, string AccessKeyId);
