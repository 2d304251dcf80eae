using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Naming;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Server.WebConsole;

/// <summary>
/// Deleting one image id (a tag or a digest): a confirmation page (GET), then a POST with the anti-forgery token that
/// deletes it as BatchDeleteImage with that one image id does, authorized as ecr:BatchDeleteImage on the repository
/// both times. An image an index still references is refused as the API refuses it.
/// </summary>
internal abstract class ImageDeletionPageModel : ConsolePageModel
{
    public string Repository { get; private set; } = "";

    /// <summary>The tag or digest as the request named it.</summary>
    protected string Named { get; private set; } = "";

    /// <summary>The image id's member in ECR's messages: <c>imageTag</c> or <c>imageDigest</c>.</summary>
    protected abstract string IdMember { get; }

    /// <summary>The query parameter of the repository page that reports the deletion.</summary>
    protected abstract string DeletedParameter { get; }

    /// <summary>The digest or the tag named, or (null, null) when the text is neither.</summary>
    protected abstract (Digest? Digest, Tag? Tag) Parse(string? named);

    protected async Task ConfirmAsync(string? repository, string? named) => await CheckAsync(repository, named).ConfigureAwait(false);

    protected async Task<IActionResult> DeleteAsync(string? repository, string? named)
    {
        var (name, digest, tag) = await CheckAsync(repository, named).ConfigureAwait(false);
        if (name is null)
        {
            return Page();
        }

        try
        {
            var deletion = await Service<ImageCatalogService>().DeleteAsync(name, digest, tag, Aborted).ConfigureAwait(false);
            if (deletion.Status != ImageDeletionStatus.Deleted)
            {
                Fail(new RegistryException(EcrErrors.ImageNotFound, deletion.Status == ImageDeletionStatus.ReferencedByIndex
                    ? $"Requested image referenced by manifest list: [{string.Join(", ", deletion.ReferencedBy)}]"
                    : NotFound(Named)));
                return Page();
            }
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
            return Page();
        }

        return Redirect($"/console/repository?name={Uri.EscapeDataString(Repository)}&{DeletedParameter}={Uri.EscapeDataString(Named)}");
    }

    private async Task<(RepositoryName? Name, Digest? Digest, Tag? Tag)> CheckAsync(string? repository, string? named)
    {
        Repository = repository ?? "";
        Named = named ?? "";
        if (!RepositoryName.TryParse(repository, out var name))
        {
            Fail(new RegistryException(EcrErrors.RepositoryNotFound, $"The repository with name '{repository}' does not exist in the registry with id '{Registry.AccountId}'"));
            return (null, null, null);
        }

        if (await DeniedAsync(EcrActions.BatchDeleteImage, Registry.RepositoryArn(name.Value)).ConfigureAwait(false) is not null)
        {
            return (null, null, null);
        }

        var (digest, tag) = Parse(named);
        if (digest is null && tag is null)
        {
            Fail(new RegistryException(EcrErrors.ImageNotFound, NotFound(named)));
            return (null, null, null);
        }

        return (name, digest, tag);
    }

    private string NotFound(string? named) =>
        $"The image with imageId {{{IdMember}:'{named}'}} does not exist within the repository with name '{Repository}'";
}
