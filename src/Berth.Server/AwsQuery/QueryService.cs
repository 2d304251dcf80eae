namespace Berth.Server.AwsQuery;

/// <summary>A Query-protocol service served on <c>POST /</c>: its SigV4 name, model and operation handlers.</summary>
internal sealed class QueryService(string signingName, QueryModel model, IReadOnlyDictionary<string, Func<QueryCall, Task>> operations)
{
    public string SigningName => signingName;

    public QueryModel Model => model;

    public Func<QueryCall, Task>? FindHandler(string operation) => operations.GetValueOrDefault(operation);
}
