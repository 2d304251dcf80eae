namespace Berth.Core.Iam;

/// <summary>The AWS managed policies every account can attach (<c>arn:aws:iam::aws:policy/…</c>), by ARN.</summary>
public sealed class AwsManagedPolicyCatalog(IEnumerable<AwsManagedPolicy> policies)
{
    private readonly Dictionary<string, AwsManagedPolicy> _byArn = policies.ToDictionary(p => p.Arn, StringComparer.Ordinal);

    /// <summary>Every policy, ordered by name.</summary>
    public IReadOnlyList<AwsManagedPolicy> All => [.. _byArn.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public AwsManagedPolicy? Find(string arn) => _byArn.GetValueOrDefault(arn);
}
