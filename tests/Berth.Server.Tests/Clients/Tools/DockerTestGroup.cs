namespace Berth.Server.Tests.Clients.Tools;

/// <summary>The docker tests share one <see cref="DockerDaemon"/>; starting dockerd takes seconds.</summary>
[CollectionDefinition(Name)]
public sealed class DockerTestGroup : ICollectionFixture<DockerDaemon>
{
    public const string Name = "docker";
}
