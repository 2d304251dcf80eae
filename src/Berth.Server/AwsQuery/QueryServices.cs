namespace Berth.Server.AwsQuery;

/// <summary>The Query-protocol services this server answers (IAM and STS), by SigV4 signing name.</summary>
internal sealed class QueryServices(IEnumerable<QueryService> services)
{
    private readonly Dictionary<string, QueryService> _byName = services.ToDictionary(s => s.SigningName, StringComparer.Ordinal);

    public QueryService? Find(string signingName) => _byName.GetValueOrDefault(signingName);
}
