namespace Berth.Server.AwsQuery;

/// <summary>The members of an output structure, by the model's member names, for <see cref="QueryXmlWriter"/>.</summary>
internal sealed class QueryOutput() : Dictionary<string, object?>(StringComparer.Ordinal);
