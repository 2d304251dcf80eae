using Berth.Core.Content;
using Berth.Core.Naming;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Server.WebConsole.Pages;

/// <summary>Deleting a tag (<see cref="ImageDeletionPageModel"/>); when it is the image's last tag, the image goes too.</summary>
internal sealed class DeleteTagModel : ImageDeletionPageModel
{
    public string Tag => Named;

    protected override string IdMember => "imageTag";

    protected override string DeletedParameter => "deleted";

    public Task OnGetAsync(string? repository, string? tag) => ConfirmAsync(repository, tag);

    public Task<IActionResult> OnPostAsync(string? repository, string? tag) => DeleteAsync(repository, tag);

    protected override (Digest? Digest, Tag? Tag) Parse(string? named) => (null, Core.Naming.Tag.TryParse(named, out var tag) ? tag : null);
}
