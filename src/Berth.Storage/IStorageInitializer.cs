namespace Berth.Storage;

/// <summary>Prepares a store before first use (creates the database, applies migrations). Idempotent.</summary>
public interface IStorageInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}
