using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>The repositories of every registry that have a row in <c>lifecycle_policies</c>.</summary>
internal sealed class SqlLifecycleSchedule(MetadataDatabase database) : ILifecycleSchedule
{
    public async ValueTask<IReadOnlyList<(RegistryIdentity Registry, RepositoryName Repository)>> ListAsync(CancellationToken cancellationToken) =>
        await database.ListAsync(
            """
            SELECT r.account_id, r.region, r.name FROM lifecycle_policies p JOIN repositories r ON r.id = p.repository_id
            ORDER BY COALESCE(p.last_evaluated_at, 0), r.id
            """,
            r => (new RegistryIdentity(r.GetString(0), r.GetString(1)), RepositoryName.Parse(r.GetString(2))),
            cancellationToken).ConfigureAwait(false);
}
