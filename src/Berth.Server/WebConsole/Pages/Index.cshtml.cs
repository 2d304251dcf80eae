using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Berth.Server.WebConsole.Pages;

/// <summary>/console and /console/ go to the repositories.</summary>
internal sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/console/repositories");
}
