namespace Berth.Core.Scanning.Languages;

/// <summary>
/// A package of a language ecosystem found in an image: its OSV ecosystem (<see cref="LanguageEcosystem"/>), name
/// and version, the file that lists it (absolute path in the image), Inspector's package manager name for that
/// file's kind, and the layer that last wrote the file (its 0-based index).
/// </summary>
public sealed record LanguagePackage(string Ecosystem, string Name, string Version, string FilePath, string PackageManager, int Layer = -1);
