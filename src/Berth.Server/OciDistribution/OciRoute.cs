using System.Text.RegularExpressions;

namespace Berth.Server.OciDistribution;

/// <summary>The OCI resource a /v2/ path names (distribution-spec "Endpoints").</summary>
internal enum OciResource
{
    Base,
    Catalog,
    Tags,
    Manifest,
    Blob,
    Uploads,
    Upload,
    Referrers,
}

/// <summary>
/// A parsed /v2/ path. Repository names contain '/', so ASP.NET route templates (catch-all only at the end) cannot
/// express these routes; they are matched here with the same patterns distribution's router uses.
/// </summary>
internal sealed partial record OciRoute(OciResource Resource, string Name, string Argument)
{
    public static OciRoute? Parse(string path)
    {
        if (path.Length == 0)
        {
            return new OciRoute(OciResource.Base, string.Empty, string.Empty);
        }

        if (path is "_catalog")
        {
            return new OciRoute(OciResource.Catalog, string.Empty, string.Empty);
        }

        var match = Uploads().Match(path);
        if (match.Success)
        {
            var id = match.Groups["id"].Value;
            return new OciRoute(id.Length == 0 ? OciResource.Uploads : OciResource.Upload, match.Groups["name"].Value, id);
        }

        match = Tags().Match(path);
        if (match.Success)
        {
            return new OciRoute(OciResource.Tags, match.Groups["name"].Value, string.Empty);
        }

        match = ContentResource().Match(path);
        if (!match.Success)
        {
            return null;
        }

        var resource = match.Groups["kind"].Value switch
        {
            "manifests" => OciResource.Manifest,
            "blobs" => OciResource.Blob,
            _ => OciResource.Referrers,
        };
        return new OciRoute(resource, match.Groups["name"].Value, match.Groups["ref"].Value);
    }

    [GeneratedRegex("^(?<name>.+)/blobs/uploads/?(?<id>[^/]*)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Uploads();

    [GeneratedRegex("^(?<name>.+)/tags/list\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    [GeneratedRegex("^(?<name>.+)/(?<kind>manifests|blobs|referrers)/(?<ref>[^/]+)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContentResource();
}
