using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Naming;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// Deleting an image (every tag of it): a confirmation page (GET), then a POST with the anti-forgery token that
/// deletes it as BatchDeleteImage with one imageDigest does, authorized as ecr:BatchDeleteImage on the repository
/// both times. An image an index still references is refused as the API refuses it.
/// </summary>
internal sealed class DeleteImageModel : ConsolePageModel
{
    public string Repository { get; private set; } = "";

    public string Digest { get; private set; } = "";

    public async Task OnGetAsync(string? repository, string? digest) => await CheckAsync(repository, digest).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAsync(string? repository, string? digest)
    {
        var (name, parsed) = await CheckAsync(repository, digest).ConfigureAwait(false);
        if (name is null || parsed is null)
        {
            return Page();
        }

        try
        {
            var deletion = await Service<ImageCatalogService>().DeleteAsync(name, parsed, null, Aborted).ConfigureAwait(false);
            if (deletion.Status != ImageDeletionStatus.Deleted)
            {
                Fail(new RegistryException(EcrErrors.ImageNotFound, deletion.Status == ImageDeletionStatus.ReferencedByIndex
                    ? $"Requested image referenced by manifest list: [{string.Join(", ", deletion.ReferencedBy)}]"
                    : $"The image with imageId {{imageDigest:'{Digest}'}} does not exist within the repository with name '{Repository}'"));
                return Page();
            }
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
            return Page();
        }

        return Redirect($"/console/repository?name={Uri.EscapeDataString(Repository)}&deletedImage={Uri.EscapeDataString(Digest)}");
    }

    private async Task<(RepositoryName? Name, Digest? Digest)> CheckAsync(string? repository, string? digest)
    {
        Repository = repository ?? "";
        Digest = digest ?? "";
        if (!RepositoryName.TryParse(repository, out var name))
        {
            Fail(new RegistryException(EcrErrors.RepositoryNotFound, $"The repository with name '{repository}' does not exist in the registry with id '{Registry.AccountId}'"));
            return (null, null);
        }

        if (await DeniedAsync(EcrActions.BatchDeleteImage, Registry.RepositoryArn(name.Value)).ConfigureAwait(false) is not null)
        {
            return (null, null);
        }

        if (!Core.Content.Digest.TryParse(digest, out var parsed))
        {
            Fail(new RegistryException(EcrErrors.ImageNotFound, $"The image with imageId {{imageDigest:'{digest}'}} does not exist within the repository with name '{Repository}'"));
            return (null, null);
        }

        return (name, parsed);
    }
}
