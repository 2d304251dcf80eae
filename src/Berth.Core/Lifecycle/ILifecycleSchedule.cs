using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Core.Lifecycle;

/// <summary>Across every registry: the repositories that have a lifecycle policy, for the periodic evaluation.</summary>
public interface ILifecycleSchedule
{
    /// <summary>Every (registry, repository) with a lifecycle policy, least recently evaluated first.</summary>
    ValueTask<IReadOnlyList<(RegistryIdentity Registry, RepositoryName Repository)>> ListAsync(CancellationToken cancellationToken);
}
