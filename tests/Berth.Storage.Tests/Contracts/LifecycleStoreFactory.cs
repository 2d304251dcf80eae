using Berth.Core.Registries;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

internal static class LifecycleStoreFactory
{
    public static LifecycleStores Create(MetadataDatabase database, RegistryIdentity registry) =>
        new(new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, TimeProvider.System), new SqlBlobLinkStore(database, registry, TimeProvider.System),
            new SqlImageCatalog(database, registry), new SqlLifecycleStore(database, registry), new SqlLifecycleSchedule(database), new SqlPullTimeExclusionStore(database, registry));
}
