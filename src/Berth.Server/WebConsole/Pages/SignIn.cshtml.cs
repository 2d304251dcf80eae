using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Berth.Core.Iam;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// Sign-in with an access key id and secret (and a session token for STS credentials), checked against the same
/// credential store as SigV4: an inactive, deleted or expired key is refused with one message for every failure.
/// </summary>
internal sealed class SignInModel(IdentityResolver identities, ConsoleOptions options, TimeProvider time) : PageModel
{
    public string? Error { get; private set; }

    public string? AccessKeyId { get; private set; }

    public string ReturnUrl { get; private set; } = "/console/repositories";

    public void OnGet(string? returnUrl) => ReturnUrl = Local(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? accessKeyId, string? secretAccessKey, string? sessionToken, string? returnUrl)
    {
        ReturnUrl = Local(returnUrl);
        AccessKeyId = accessKeyId;
        if (string.IsNullOrWhiteSpace(accessKeyId) || string.IsNullOrEmpty(secretAccessKey))
        {
            return Refuse();
        }

        var lookup = await identities.ResolveAsync(accessKeyId.Trim(), string.IsNullOrEmpty(sessionToken) ? null : sessionToken, HttpContext.RequestAborted).ConfigureAwait(false);
        if (lookup.Principal is null || lookup.Secret is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(lookup.Secret), Encoding.UTF8.GetBytes(secretAccessKey)))
        {
            return Refuse();
        }

        var expires = time.GetUtcNow() + options.SessionDuration;
        if (lookup.ValidUntil is { } validUntil && validUntil < expires)
        {
            expires = validUntil;
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, lookup.Principal.Arn), new Claim(ConsolePageModel.AccessKeyClaim, lookup.Principal.AccessKeyId)],
            ConsoleRegistration.Scheme);
        await HttpContext.SignInAsync(ConsoleRegistration.Scheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false, AllowRefresh = false }).ConfigureAwait(false);
        return LocalRedirect(ReturnUrl);
    }

    private PageResult Refuse()
    {
        Error = "The access key ID, secret or session token is not valid.";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    /// <summary>Only a console path is a place to go back to (no open redirect).</summary>
    private static string Local(string? url) =>
        url is not null && url.StartsWith("/console/", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            ? url
            : "/console/repositories";
}
