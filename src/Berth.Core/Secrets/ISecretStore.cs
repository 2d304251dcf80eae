using Berth.Core.Paging;

namespace Berth.Core.Secrets;

/// <summary>The Secrets Manager secrets of one registry's (account, region), keyed by name.</summary>
public interface ISecretStore
{
    /// <summary>The secret with this name (a deletion may be scheduled), or null.</summary>
    ValueTask<Secret?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores a new secret; false (nothing changed) when the name is taken.</summary>
    ValueTask<bool> CreateAsync(Secret secret, CancellationToken cancellationToken);

    /// <summary>Replaces the value, version, description and deletion date of the secret with the same ARN; false when there is none.</summary>
    ValueTask<bool> UpdateAsync(Secret secret, CancellationToken cancellationToken);

    /// <summary>Deletes the secret with this ARN; false when there is none.</summary>
    ValueTask<bool> DeleteAsync(string arn, CancellationToken cancellationToken);

    /// <summary>Secrets in ordinal order of name, after <see cref="PageRequest.After"/>.</summary>
    ValueTask<Page<Secret>> ListAsync(PageRequest page, CancellationToken cancellationToken);
}
