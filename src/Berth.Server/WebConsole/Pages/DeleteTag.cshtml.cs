using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Naming;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// Deleting a tag: a confirmation page (GET), then a POST with the anti-forgery token that deletes it as
/// BatchDeleteImage with one imageTag does, authorized as ecr:BatchDeleteImage on the repository both times.
/// </summary>
internal sealed class DeleteTagModel : ConsolePageModel
{
    public string Repository { get; private set; } = "";

    public string Tag { get; private set; } = "";

    public async Task OnGetAsync(string? repository, string? tag) => await CheckAsync(repository, tag).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAsync(string? repository, string? tag)
    {
        var (name, parsed) = await CheckAsync(repository, tag).ConfigureAwait(false);
        if (name is null || parsed is null)
        {
            return Page();
        }

        try
        {
            var deletion = await Service<ImageCatalogService>().DeleteAsync(name, null, parsed, Aborted).ConfigureAwait(false);
            if (deletion.Status != ImageDeletionStatus.Deleted)
            {
                Fail(new RegistryException(EcrErrors.ImageNotFound, deletion.Status == ImageDeletionStatus.ReferencedByIndex
                    ? $"Requested image referenced by manifest list: [{string.Join(", ", deletion.ReferencedBy)}]"
                    : $"The image with imageId {{imageTag:'{Tag}'}} does not exist within the repository with name '{Repository}'"));
                return Page();
            }
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
            return Page();
        }

        return Redirect($"/console/repository?name={Uri.EscapeDataString(Repository)}&deleted={Uri.EscapeDataString(Tag)}");
    }

    private async Task<(RepositoryName? Name, Tag? Tag)> CheckAsync(string? repository, string? tag)
    {
        Repository = repository ?? "";
        Tag = tag ?? "";
        if (!RepositoryName.TryParse(repository, out var name))
        {
            Fail(new RegistryException(EcrErrors.RepositoryNotFound, $"The repository with name '{repository}' does not exist in the registry with id '{Registry.AccountId}'"));
            return (null, null);
        }

        if (await DeniedAsync(EcrActions.BatchDeleteImage, Registry.RepositoryArn(name.Value)).ConfigureAwait(false) is not null)
        {
            return (null, null);
        }

        if (!Core.Naming.Tag.TryParse(tag, out var parsed))
        {
            Fail(new RegistryException(EcrErrors.ImageNotFound, $"The image with imageId {{imageTag:'{tag}'}} does not exist within the repository with name '{Repository}'"));
            return (null, null);
        }

        return (name, parsed);
    }
}
