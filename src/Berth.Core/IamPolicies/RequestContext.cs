namespace Berth.Core.IamPolicies;

/// <summary>
/// The request context that conditions and policy variables read: keys compare case-insensitively (as in AWS), and
/// every key holds one or more values (aws:TagKeys is multi-valued, most keys hold one).
/// </summary>
public sealed class RequestContext
{
    private readonly Dictionary<string, string[]> _values = new(StringComparer.OrdinalIgnoreCase);

    public RequestContext()
    {
    }

    public RequestContext(RequestContext other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, values) in other._values)
        {
            _values[key] = values;
        }
    }

    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Sets a key to the given values, replacing what it held.</summary>
    public RequestContext Set(string key, params string[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(values);
        _values[key] = [.. values];
        return this;
    }

    /// <summary>Adds one value to a key, keeping the values it already held.</summary>
    public RequestContext Add(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _values[key] = _values.TryGetValue(key, out var existing) ? [.. existing, value] : [value];
        return this;
    }

    /// <summary>Sets a resource's tags under both aws:ResourceTag/key and ecr:ResourceTag/key, as ECR provides them.</summary>
    public RequestContext SetResourceTags(IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var (key, value) in tags)
        {
            Set(ContextKeys.ResourceTag(key), value);
            Set(ContextKeys.EcrResourceTag(key), value);
        }

        return this;
    }

    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>The values of a key, or null when the request has no such key.</summary>
    public IReadOnlyList<string>? Find(string key) => _values.TryGetValue(key, out var values) ? values : null;
}
