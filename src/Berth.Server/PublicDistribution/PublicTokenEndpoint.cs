using System.Text;
using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Server.OciDistribution;
using Berth.Server.Registries;

namespace Berth.Server.PublicDistribution;

/// <summary>
/// The public registries' token endpoint, <c>/token/</c> (routing also takes <c>/token</c>) on the public host, as the registry token
/// spec and docker use it:
/// <list type="bullet">
/// <item><c>GET</c> with Basic <c>AWS:&lt;password&gt;</c> (<c>aws ecr-public get-login-password</c>): a token for the
/// requested scopes as the caller's policies allow; with <c>offline_token=true</c> also a <c>refresh_token</c> (the
/// password itself, which docker keeps as its identity token).</item>
/// <item><c>GET</c> without credentials: an anonymous, pull-only token.</item>
/// <item><c>POST</c> form (OAuth2): <c>grant_type=refresh_token</c> with <c>refresh_token</c>, or
/// <c>grant_type=password</c> with <c>username=AWS</c> and <c>password</c>; answered with <c>access_token</c>.</item>
/// </list>
/// Bad credentials answer 401 UNAUTHORIZED. Every credential is re-validated: a deleted key or user gets nothing.
/// </summary>
internal static class PublicTokenEndpoint
{
    public static IEndpointRouteBuilder MapPublicTokens(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/token", ["GET", "POST"], HandleAsync).WithName("PublicToken");
        return app;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        try
        {
            if (!context.RequestServices.GetRequiredService<RegistryAddresses>().IsPublicHost(context.Request))
            {
                throw new RegistryException(RegistryErrorCode.EndpointNotFound, "The token endpoint is served on the public registry host only");
            }

            if (HttpMethods.IsPost(context.Request.Method))
            {
                await PostAsync(context).ConfigureAwait(false);
            }
            else
            {
                await GetAsync(context).ConfigureAwait(false);
            }
        }
        catch (RegistryException e)
        {
            await OciErrorWriter.WriteAsync(context, e).ConfigureAwait(false);
        }
    }

    private static async Task GetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string? password = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            password = ReadBasic(header[6..].Trim());
        }

        var principal = password is null ? null : await PrincipalOfAsync(context, password).ConfigureAwait(false);
        var offline = string.Equals(query["offline_token"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        await RespondAsync(context, principal, query["scope"].Select(s => s ?? string.Empty), offline ? password : null, oauth: false).ConfigureAwait(false);
    }

    private static async Task PostAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            throw new RegistryException(RegistryErrorCode.Unsupported, "The token request must be an application/x-www-form-urlencoded form");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var (password, returnRefresh) = form["grant_type"].ToString() switch
        {
            "refresh_token" => (form["refresh_token"].ToString(), false),
            "password" when form["username"] == "AWS" => (form["password"].ToString(), form["access_type"] == "offline"),
            "password" => throw Unauthorized("the user name must be AWS"),
            var other => throw new RegistryException(RegistryErrorCode.Unsupported, $"unsupported grant_type '{other}'"),
        };
        var principal = await PrincipalOfAsync(context, password).ConfigureAwait(false);
        await RespondAsync(context, principal, form["scope"].Select(s => s ?? string.Empty), returnRefresh ? password : null, oauth: true).ConfigureAwait(false);
    }

    private static async Task RespondAsync(HttpContext context, Principal? principal, IEnumerable<string> scopes, string? refreshToken, bool oauth)
    {
        var grants = await PublicScopeGrants.DecideAsync(context, scopes, principal).ConfigureAwait(false);
        var tokens = context.RequestServices.GetRequiredService<PublicAccessTokens>();
        var issuedAt = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var (token, expiresAt) = await tokens.IssueAsync(principal, grants, null, context.RequestAborted).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (!oauth)
            {
                json.WriteString("token", token);
            }

            json.WriteString("access_token", token);
            json.WriteNumber("expires_in", (long)(expiresAt - issuedAt).TotalSeconds);
            json.WriteString("issued_at", issuedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            if (oauth)
            {
                json.WriteString("scope", string.Join(' ', grants.Select(g => $"repository:{g.Name}:{(g.Push ? "pull,push" : "pull")}")));
            }

            if (refreshToken is not null)
            {
                json.WriteString("refresh_token", refreshToken);
            }

            json.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The principal of a registry password of the public registries, re-validated; 401 otherwise.</summary>
    public static async Task<Principal> PrincipalOfAsync(HttpContext context, string password)
    {
        var (result, principal) = await context.RequestServices.GetRequiredService<RegistryTokenService>()
            .CheckAsync(password, RegistryIdentity.PublicRegion, context.RequestAborted).ConfigureAwait(false);
        if (result != TokenCheck.Valid)
        {
            throw Unauthorized(result == TokenCheck.WrongRegistry
                ? "This is a token of a private registry: use aws ecr-public get-login-password for the public registry"
                : "Your authorization token has expired or is invalid. Reauthenticate and try again.");
        }

        return await context.RequestServices.GetRequiredService<IdentityResolver>().RevalidateAsync(principal!, context.RequestAborted).ConfigureAwait(false)
            ?? throw Unauthorized("Your authorization token has expired or is invalid. Reauthenticate and try again.");
    }

    /// <summary>The password of Basic credentials <c>AWS:&lt;password&gt;</c>; 401 for anything else.</summary>
    public static string ReadBasic(string encoded)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            throw Unauthorized("malformed Basic credentials");
        }

        return decoded.StartsWith("AWS:", StringComparison.Ordinal) ? decoded[4..] : throw Unauthorized("the user name must be AWS");
    }

    private static RegistryException Unauthorized(string message) => new(RegistryErrorCode.Unauthorized, message);
}
