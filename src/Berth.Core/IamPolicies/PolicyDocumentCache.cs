using System.Collections.Concurrent;

namespace Berth.Core.IamPolicies;

/// <summary>
/// Parsed policy documents by (text, kind), shared by every request: a stored document never changes meaning, and
/// parsing it on every request (a /v2/ manifest GET is hot) would be wasted work. Bounded: when full it starts over.
/// Only text that was validated when it was stored should come here; an invalid one throws as <see cref="PolicyDocument.Parse"/> does.
/// </summary>
public sealed class PolicyDocumentCache
{
    private const int MaxCachedDocuments = 4096;
    private readonly ConcurrentDictionary<(string Text, PolicyDocumentKind Kind), PolicyDocument> _parsed = new();

    public PolicyDocument Get(string text, PolicyDocumentKind kind)
    {
        if (_parsed.TryGetValue((text, kind), out var cached))
        {
            return cached;
        }

        if (_parsed.Count >= MaxCachedDocuments)
        {
            _parsed.Clear();
        }

        return _parsed.GetOrAdd((text, kind), key => PolicyDocument.Parse(key.Text, key.Kind));
    }
}
