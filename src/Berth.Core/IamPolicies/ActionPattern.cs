namespace Berth.Core.IamPolicies;

/// <summary>An Action / NotAction entry such as <c>ecr:Batch*</c>: case-insensitive, with <c>*</c> and <c>?</c>.</summary>
internal sealed class ActionPattern(string raw)
{
    private readonly WildcardPattern _pattern = WildcardPattern.Compile(raw, ignoreCase: true);

    public string Raw { get; } = raw;

    public bool IsMatch(string action) => _pattern.IsMatch(action);
}
