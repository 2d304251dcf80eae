using System.Globalization;
using Berth.Core.Errors;
using Berth.Core.Paging;

namespace Berth.Server.OciDistribution;

/// <summary>The <c>n</c> and <c>last</c> query parameters and the RFC 5988 <c>Link</c> header of tags/list and _catalog.</summary>
internal static class Pagination
{
    public static PageRequest Read(HttpRequest request)
    {
        var limit = PageRequest.MaxLimit;
        var n = request.Query["n"].ToString();
        if (n.Length > 0)
        {
            if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            {
                throw new RegistryException(RegistryErrorCode.PaginationNumberInvalid, $"n must be a non-negative integer, not '{n}'");
            }

            limit = Math.Min(limit, PageRequest.MaxLimit);
        }

        var last = request.Query["last"].ToString();
        return new PageRequest(limit, last.Length == 0 ? null : last);
    }

    /// <summary>Sets <c>Link: &lt;path?n=N&amp;last=X&gt;; rel="next"</c> when another page follows.</summary>
    public static void SetNextLink<T>(HttpResponse response, string path, PageRequest request, Page<T> page, Func<T, string> key)
    {
        if (!page.HasMore || page.Items.Count == 0)
        {
            return;
        }

        var last = Uri.EscapeDataString(key(page.Items[^1]));
        response.Headers.Link = string.Create(CultureInfo.InvariantCulture, $"<{path}?n={request.Limit}&last={last}>; rel=\"next\"");
    }
}
