namespace Berth.Core.Paging;

/// <summary>One page of results; <see cref="HasMore"/> says whether another page follows the last item.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore);
