namespace Berth.Testing.Postgres;

/// <summary>Test classes marked [Collection(PostgresClusterGroup.Name)] share one <see cref="PostgresCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresClusterGroup : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
