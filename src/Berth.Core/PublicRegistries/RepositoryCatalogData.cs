namespace Berth.Core.PublicRegistries;

/// <summary>
/// The catalog data of a public repository (PutRepositoryCatalogData): description, about and usage text (markdown),
/// architectures, operating systems and the logo's bytes (null: no logo). Absent text is null.
/// </summary>
public sealed record RepositoryCatalogData(
    string? Description,
    string? AboutText,
    string? UsageText,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<string> OperatingSystems,
    byte[]? Logo)
{
    /// <summary>Catalog data with nothing set, what a repository created without catalogData has.</summary>
    public static RepositoryCatalogData Empty { get; } = new(null, null, null, [], [], null);
}
