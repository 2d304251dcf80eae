namespace Berth.Core.IamPolicies;

/// <summary>
/// An AWS managed policy (<c>arn:aws:iam::aws:policy/&lt;Name&gt;</c>): its name, path, description and document as
/// AWS publishes them. <see cref="Document"/> is parsed once, on first use.
/// </summary>
public sealed class ManagedPolicy
{
    private readonly Lazy<PolicyDocument> _document;

    internal ManagedPolicy(string name, string path, string description, string documentJson)
    {
        Name = name;
        Path = path;
        Description = description;
        DocumentJson = documentJson;
        Arn = $"arn:aws:iam::aws:policy{path}{name}";
        _document = new Lazy<PolicyDocument>(() => PolicyDocument.Parse(documentJson, PolicyDocumentKind.Identity, requireCurrentVersion: true));
    }

    public string Name { get; }

    public string Arn { get; }

    public string Path { get; }

    public string Description { get; }

    /// <summary>The policy document as AWS prints it.</summary>
    public string DocumentJson { get; }

    public PolicyDocument Document => _document.Value;
}
