using System.Text;
using Microsoft.AspNetCore.Http.Features;
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
    /// <summary>The largest token request body read; docker's are a few hundred bytes, a password about 2 KB.</summary>
    public const int MaxFormBytes = 8 * 1024;

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

        var (principal, notAfter) = password is null ? (null, null) : await CheckPasswordAsync(context, password).ConfigureAwait(false);
        var offline = string.Equals(query["offline_token"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        await RespondAsync(context, principal, notAfter, query["scope"].Select(s => s ?? string.Empty), offline ? password : null, oauth: false).ConfigureAwait(false);
    }

    private static async Task PostAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            throw new RegistryException(RegistryErrorCode.Unsupported, "The token request must be an application/x-www-form-urlencoded form");
        }

        var form = await ReadFormAsync(context).ConfigureAwait(false);
        var (password, returnRefresh) = form["grant_type"].ToString() switch
        {
            "refresh_token" => (form["refresh_token"].ToString(), false),
            "password" when form["username"] == "AWS" => (form["password"].ToString(), form["access_type"] == "offline"),
            "password" => throw Unauthorized("the user name must be AWS"),
            var other => throw new RegistryException(RegistryErrorCode.Unsupported, $"unsupported grant_type '{other}'"),
        };
        var (principal, notAfter) = await CheckPasswordAsync(context, password).ConfigureAwait(false);
        await RespondAsync(context, principal, notAfter, form["scope"].Select(s => s ?? string.Empty), returnRefresh ? password : null, oauth: true).ConfigureAwait(false);
    }

    /// <summary>
    /// The form, read only when it fits <see cref="MaxFormBytes"/>: a token request holds a grant type, a password or
    /// refresh token of a few hundred bytes and some scopes, and the endpoint answers anyone, so a large body is refused
    /// before it is buffered. A body too large, a bad chunk, a multipart body without a boundary or without its end:
    /// 400 INVALID_REQUEST.
    /// </summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxFormBytes)
        {
            throw new RegistryException(RegistryErrorCode.TokenRequestInvalid, $"The token request body exceeds {MaxFormBytes} bytes");
        }

        // A chunked body has no length to check up front: Kestrel stops reading it at the first byte past the limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxFormBytes;
        }

        var options = new FormOptions
        {
            BufferBody = false,
            ValueLengthLimit = MaxFormBytes,
            MultipartBodyLengthLimit = MaxFormBytes,
            MultipartHeadersLengthLimit = MaxFormBytes,
            KeyLengthLimit = MaxFormBytes,
        };
        try
        {
            return await context.Request.ReadFormAsync(options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            throw new RegistryException(RegistryErrorCode.TokenRequestInvalid, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The token request body exceeds {MaxFormBytes} bytes"
                : "The token request body could not be read");
        }
        catch (InvalidDataException)
        {
            throw new RegistryException(RegistryErrorCode.TokenRequestInvalid, "The token request form is malformed");
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // MultipartReader's "Unexpected end of Stream": a multipart body cut before its closing boundary.
            throw new RegistryException(RegistryErrorCode.TokenRequestInvalid, "The token request form ends before its closing boundary");
        }
    }

    /// <summary>A token for the caller, which never outlives <paramref name="notAfter"/> (the expiry of the password it was exchanged for).</summary>
    private static async Task RespondAsync(HttpContext context, Principal? principal, DateTimeOffset? notAfter, IEnumerable<string> scopes, string? refreshToken, bool oauth)
    {
        var grants = await PublicScopeGrants.DecideAsync(context, scopes, principal).ConfigureAwait(false);
        var tokens = context.RequestServices.GetRequiredService<PublicAccessTokens>();
        var issuedAt = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var (token, expiresAt) = await tokens.IssueAsync(principal, grants, notAfter, context.RequestAborted).ConfigureAwait(false);
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
    public static async Task<Principal> PrincipalOfAsync(HttpContext context, string password) =>
        (await CheckPasswordAsync(context, password).ConfigureAwait(false)).Principal;

    /// <summary>The principal of a registry password of the public registries, re-validated, and the password's expiry; 401 otherwise.</summary>
    private static async Task<(Principal Principal, DateTimeOffset? ExpiresAt)> CheckPasswordAsync(HttpContext context, string password)
    {
        var (result, principal, expiresAt) = await context.RequestServices.GetRequiredService<RegistryTokenService>()
            .InspectAsync(password, RegistryIdentity.PublicRegion, context.RequestAborted).ConfigureAwait(false);
        if (result != TokenCheck.Valid)
        {
            throw Unauthorized(result == TokenCheck.WrongRegistry
                ? "This is a token of a private registry: use aws ecr-public get-login-password for the public registry"
                : "Your authorization token has expired or is invalid. Reauthenticate and try again.");
        }

        var current = await context.RequestServices.GetRequiredService<IdentityResolver>().RevalidateAsync(principal!, context.RequestAborted).ConfigureAwait(false)
            ?? throw Unauthorized("Your authorization token has expired or is invalid. Reauthenticate and try again.");
        return (current, expiresAt);
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
