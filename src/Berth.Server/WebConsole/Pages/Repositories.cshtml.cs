using Berth.Core.IamPolicies;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// The registry's repositories, searched by a substring of the name and paged 20 at a time. Authorized as
/// DescribeRepositories: one decision on <c>repository/*</c> shows every repository, as the API lists them; a caller
/// refused that sees each repository it may describe by name (as <c>describe-repositories --repository-names</c>
/// would show it), and no other.
/// </summary>
internal sealed class RepositoriesModel : ConsolePageModel
{
    private const int PageSize = 20;

    public string? Query { get; private set; }

    public bool ListsAll { get; private set; }

    public List<Repository> Items { get; } = [];

    public string? Next { get; private set; }

    public async Task OnGetAsync(string? q, string? after)
    {
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        ListsAll = await AllowsAsync(EcrActions.DescribeRepositories, Registry.RepositoryArn("*")).ConfigureAwait(false);
        var repositories = Service<RepositoryService>();
        var cursor = after;
        while (Items.Count <= PageSize)
        {
            var page = await repositories.ListNamesAsync(new PageRequest(100, cursor), Aborted).ConfigureAwait(false);
            foreach (var name in page.Items)
            {
                cursor = name;
                if ((Query is not null && !name.Contains(Query, StringComparison.OrdinalIgnoreCase))
                    || (!ListsAll && !await AllowsAsync(EcrActions.DescribeRepositories, Registry.RepositoryArn(name)).ConfigureAwait(false)))
                {
                    continue;
                }

                if (Items.Count == PageSize)
                {
                    Next = Items[^1].Name;
                    return;
                }

                if (RepositoryName.TryParse(name, out var parsed) && await repositories.FindAsync(parsed, Aborted).ConfigureAwait(false) is { } repository)
                {
                    Items.Add(repository);
                }
            }

            if (!page.HasMore)
            {
                return;
            }
        }
    }
}
