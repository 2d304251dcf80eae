namespace Berth.Server.AwsQuery;

/// <summary>An operation of a Query-protocol service: its input and output shapes and the output's result wrapper.</summary>
internal sealed record QueryOperation(string Name, string? InputShape, string? OutputShape, string? ResultWrapper);
