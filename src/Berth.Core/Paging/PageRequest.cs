namespace Berth.Core.Paging;

/// <summary>Keyset paging in lexical (ordinal) order: at most <see cref="Limit"/> items strictly after <see cref="After"/>.</summary>
public sealed record PageRequest(int Limit, string? After)
{
    /// <summary>The most items any page returns, whatever the client asks.</summary>
    public const int MaxLimit = 10_000;
}
