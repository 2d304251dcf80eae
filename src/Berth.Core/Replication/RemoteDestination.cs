using Berth.Core.Registries;

namespace Berth.Core.Replication;

/// <summary>
/// A registry outside this deployment that images of <see cref="Source"/> are replicated to over the OCI distribution
/// API (Berth's extension; ECR's replication configuration names registries of the deployment only). Images pushed to
/// a repository whose name starts with one of <see cref="RepositoryPrefixes"/> (every repository when empty) are
/// copied to the repository of the same name at <see cref="Endpoint"/>. <see cref="SealedSecret"/> is the password or
/// secret access key sealed by <c>SecretProtector</c>; it is opened only to talk to the destination.
/// </summary>
public sealed record RemoteDestination(
    string Name,
    Uri Endpoint,
    RegistryIdentity Source,
    IReadOnlyList<string> RepositoryPrefixes,
    RemoteAuthentication Authentication,
    string? Username,
    byte[]? SealedSecret,
    string? SigningRegion)
{
    /// <summary>Names: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
    public static bool IsValidName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, @"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public bool Matches(string repository) =>
        RepositoryPrefixes.Count == 0 || RepositoryPrefixes.Any(prefix => repository.StartsWith(prefix, StringComparison.Ordinal));
}
