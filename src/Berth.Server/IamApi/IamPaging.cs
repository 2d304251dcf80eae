using System.Text;
using Berth.Core.Iam;
using Berth.Core.Paging;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>
/// IAM's Marker / MaxItems paging: MaxItems 1..1000 (default 100); the Marker is opaque to clients (the last key of
/// the previous page, base64url), and IsTruncated says whether another page follows.
/// </summary>
internal static class IamPaging
{
    public const int DefaultMaxItems = 100;

    public static PageRequest Read(QueryInput input)
    {
        string? after = null;
        if (input.String("Marker") is { } marker)
        {
            try
            {
                after = Encoding.UTF8.GetString(Convert.FromBase64String(marker.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (marker.Length % 4)) % 4)));
            }
            catch (FormatException)
            {
                throw IamException.InvalidInput("Invalid Marker.");
            }
        }

        return new PageRequest(input.Int("MaxItems") ?? DefaultMaxItems, after);
    }

    /// <summary>Adds IsTruncated and, when truncated, the Marker that continues after <paramref name="lastKey"/>.</summary>
    public static QueryOutput Finish(QueryOutput output, bool truncated, string? lastKey)
    {
        output["IsTruncated"] = truncated;
        if (truncated && lastKey is not null)
        {
            output["Marker"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        return output;
    }

    /// <summary>Pages a short list held in memory (access keys, a user's groups, attached policies), ordered by key.</summary>
    public static QueryOutput Slice<T>(QueryInput input, string member, IReadOnlyList<T> items, Func<T, string> key, Func<T, object> shape)
    {
        var page = Read(input);
        var rest = items.OrderBy(key, StringComparer.Ordinal).Where(i => page.After is null || string.CompareOrdinal(key(i), page.After) > 0).ToList();
        var taken = rest.Take(page.Limit).ToList();
        return Finish(new QueryOutput { [member] = taken.Select(shape).ToList() }, rest.Count > taken.Count, taken.Count > 0 ? key(taken[^1]) : null);
    }
}
