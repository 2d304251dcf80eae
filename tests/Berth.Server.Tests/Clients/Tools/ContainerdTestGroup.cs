namespace Berth.Server.Tests.Clients.Tools;

/// <summary>The ctr tests share one <see cref="ContainerdDaemon"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ContainerdTestGroup : ICollectionFixture<ContainerdDaemon>
{
    public const string Name = "containerd";
}
