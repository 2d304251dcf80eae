namespace Berth.Core.Iam;

/// <summary>
/// A managed policy: a customer managed one of an account (<c>arn:aws:iam::ACCOUNT:policy/PATH/NAME</c>) or an AWS
/// managed one (<c>arn:aws:iam::aws:policy/…</c>). <see cref="AttachmentCount"/> counts the caller's account's
/// attachments.
/// </summary>
public sealed record ManagedPolicy(
    string Arn,
    string Name,
    string Id,
    string Path,
    string DefaultVersionId,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int AttachmentCount)
{
    public const string AwsArnPrefix = "arn:aws:iam::aws:policy/";

    public bool IsAwsManaged => Arn.StartsWith(AwsArnPrefix, StringComparison.Ordinal);

    public static string FormArn(string accountId, string path, string name) => $"arn:aws:iam::{accountId}:policy{path}{name}";
}
