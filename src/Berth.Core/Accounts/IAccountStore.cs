namespace Berth.Core.Accounts;

/// <summary>The accounts this deployment hosts. Every account has a registry in every region.</summary>
public interface IAccountStore
{
    /// <summary>Adds an account; false (and nothing changed) when it exists.</summary>
    ValueTask<bool> CreateAsync(string accountId, DateTimeOffset createdAt, CancellationToken cancellationToken);

    ValueTask<bool> ExistsAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Every account id, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);
}
