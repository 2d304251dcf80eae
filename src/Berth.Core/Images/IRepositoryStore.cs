using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Core.Images;

/// <summary>The repositories of the registry.</summary>
public interface IRepositoryStore
{
    ValueTask<bool> ExistsAsync(RepositoryName repository, CancellationToken cancellationToken);

    /// <summary>Repository names in ordinal order, after <see cref="PageRequest.After"/>.</summary>
    ValueTask<Page<string>> ListAsync(PageRequest page, CancellationToken cancellationToken);
}
