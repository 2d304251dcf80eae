namespace Berth.Bench;

/// <summary>
/// The base URLs of the server under test: one, or every node of a cluster that shares its database and bucket.
/// <see cref="Next"/> deals requests round-robin, so consecutive requests of one upload (POST, each PATCH, the final
/// PUT) land on different nodes; <see cref="At"/> pins work to one node (a blob of the concurrent workloads).
/// </summary>
internal sealed class Nodes
{
    private readonly Uri[] _bases;
    private int _next = -1;

    public Nodes(IReadOnlyList<Uri> bases)
    {
        if (bases.Count == 0)
        {
            throw new ArgumentException("at least one base URL", nameof(bases));
        }
        _bases = [.. bases];
    }

    public int Count => _bases.Length;

    /// <summary>Parses "http://a:1,http://b:2".</summary>
    public static Nodes Parse(string list) =>
        new(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => new Uri(b)).ToArray());

    public Uri Next() => _bases[(int)((uint)Interlocked.Increment(ref _next) % (uint)_bases.Length)];

    public Uri At(int index) => _bases[index % _bases.Length];

    /// <summary>A path on the next node.</summary>
    public Uri Next(string pathAndQuery) => new(Next(), pathAndQuery);

    /// <summary>
    /// A URL a node answered (an upload's Location, relative or absolute) on another node: the path and query carry
    /// the upload's state, so any node of the cluster continues it.
    /// </summary>
    public static Uri Rebase(Uri node, Uri location) => new(node, location.PathAndQuery);
}
