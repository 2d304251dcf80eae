namespace Berth.Core.Registries;

/// <summary>
/// A registry is one (account, region), as in ECR. ARNs, repository URIs and the proxy endpoint are built from it.
/// </summary>
public sealed record RegistryIdentity(string AccountId, string Region)
{
    /// <summary>arn:aws:ecr:&lt;region&gt;:&lt;account&gt;:repository/&lt;name&gt;</summary>
    public string RepositoryArn(string repository) => $"arn:aws:ecr:{Region}:{AccountId}:repository/{repository}";

    /// <summary>The account root, arn:aws:iam::&lt;account&gt;:root.</summary>
    public string RootArn => $"arn:aws:iam::{AccountId}:root";
}
