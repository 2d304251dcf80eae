using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Berth.Server.WebConsole.Pages;

/// <summary>Sign-out: a POST with the anti-forgery token (a GET does nothing, so a link cannot sign anyone out).</summary>
internal sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/console/repositories");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleRegistration.Scheme).ConfigureAwait(false);
        return Redirect("/console/sign-in");
    }
}
