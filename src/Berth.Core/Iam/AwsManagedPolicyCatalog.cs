using System.Security.Cryptography;
using System.Text;
using Berth.Core.IamPolicies;

namespace Berth.Core.Iam;

/// <summary>
/// The AWS managed policies every account can attach (<c>arn:aws:iam::aws:policy/…</c>), from
/// <see cref="ManagedPolicies"/>, by ARN. Each has one version, v1, and a stable ANPA… id derived from its name, so
/// every node and every restart shows the same id.
/// </summary>
public sealed class AwsManagedPolicyCatalog
{
    /// <summary>The date Berth shows as the policies' CreateDate and UpdateDate (the catalog carries no dates).</summary>
    public static readonly DateTimeOffset PublishedAt = new(2015, 2, 6, 18, 40, 0, TimeSpan.Zero);

    private readonly Dictionary<string, AwsManagedPolicy> _byArn;

    public AwsManagedPolicyCatalog(IEnumerable<AwsManagedPolicy> policies) =>
        _byArn = policies.ToDictionary(p => p.Arn, StringComparer.Ordinal);

    /// <summary>The catalog of <see cref="ManagedPolicies.All"/>.</summary>
    public static AwsManagedPolicyCatalog FromManagedPolicies() =>
        new(ManagedPolicies.All.Select(p => new AwsManagedPolicy(p.Name, p.Path, StableId(p.Name), "v1", p.DocumentJson, p.Description, PublishedAt, PublishedAt)));

    /// <summary>Every policy, ordered by name.</summary>
    public IReadOnlyList<AwsManagedPolicy> All => [.. _byArn.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public AwsManagedPolicy? Find(string arn) => _byArn.GetValueOrDefault(arn);

    private static string StableId(string name)
    {
        const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("aws-managed-policy:" + name));
        return "ANPA" + new string([.. hash.Take(17).Select(b => Base32[b % 32])]);
    }
}
