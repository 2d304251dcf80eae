namespace Berth.Server.Tests.Cluster;

/// <summary>One request the <see cref="AlternatingProxy"/> forwarded: to which node, and the Location it answered with.</summary>
public sealed record ProxiedRequest(string Method, string Path, int Node, int Status, string? Location);
