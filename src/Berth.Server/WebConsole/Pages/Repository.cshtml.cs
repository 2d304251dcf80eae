using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;

namespace Berth.Server.WebConsole.Pages;

/// <summary>A repository's images, 20 at a time, authorized as DescribeImages on the repository.</summary>
internal sealed class RepositoryModel : ConsolePageModel
{
    private const int PageSize = 20;

    public string Name { get; private set; } = "";

    public string Status { get; private set; } = "ANY";

    public string? DeletedTag { get; private set; }

    public string? DeletedImage { get; private set; }

    public IReadOnlyList<ImageDetail> Images { get; private set; } = [];

    public string? Next { get; private set; }

    public async Task OnGetAsync(string? name, string? status, string? after, string? deleted, string? deletedImage)
    {
        if (!RepositoryName.TryParse(name, out var repository))
        {
            Fail(new RegistryException(EcrErrors.RepositoryNotFound, $"The repository with name '{name}' does not exist in the registry with id '{Registry.AccountId}'"));
            return;
        }

        Name = repository.Value;
        DeletedTag = deleted;
        DeletedImage = deletedImage;
        Status = status is "TAGGED" or "UNTAGGED" ? status : "ANY";
        if (await DeniedAsync(EcrActions.DescribeImages, Registry.RepositoryArn(Name)).ConfigureAwait(false) is not null)
        {
            return;
        }

        try
        {
            var tagStatus = Status switch { "TAGGED" => TagStatus.Tagged, "UNTAGGED" => TagStatus.Untagged, _ => TagStatus.Any };
            var page = await Service<ImageCatalogService>().DescribeAsync(repository, tagStatus, ImageStatus.Active, new PageRequest(PageSize, after), Aborted).ConfigureAwait(false);
            Images = page.Items;
            Next = page.HasMore ? page.Items[^1].Digest.ToString() : null;
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
        }
    }
}
