using Berth.Core.Naming;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Server.WebConsole.Pages;

/// <summary>Deleting an image by digest, every tag of it (<see cref="ImageDeletionPageModel"/>).</summary>
internal sealed class DeleteImageModel : ImageDeletionPageModel
{
    public string Digest => Named;

    protected override string IdMember => "imageDigest";

    protected override string DeletedParameter => "deletedImage";

    public Task OnGetAsync(string? repository, string? digest) => ConfirmAsync(repository, digest);

    public Task<IActionResult> OnPostAsync(string? repository, string? digest) => DeleteAsync(repository, digest);

    protected override (Core.Content.Digest? Digest, Tag? Tag) Parse(string? named) => (Core.Content.Digest.TryParse(named, out var digest) ? digest : null, null);
}
