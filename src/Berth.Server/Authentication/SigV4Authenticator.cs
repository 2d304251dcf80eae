using System.Text;
using Berth.Core.Credentials;
using Berth.Core.Registries;
using Berth.Core.SigV4;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Server.Authentication;

/// <summary>
/// Authenticates an AWS API call by its Signature Version 4: builds the verifier's request from the wire form of the
/// HTTP request and looks the access key up in the credential store. Inactive keys are unknown keys. Every region
/// with AWS's region syntax is served (a registry per account and region); the call's region is the credential
/// scope's, and a malformed one is refused as SigV4 refuses a region it does not serve.
/// </summary>
internal sealed class SigV4Authenticator(SigV4Verifier verifier, ICredentialStore credentials, SecretProtector protector)
{
    public async ValueTask<(Principal? Principal, string? Region, SigV4Error? Error)> AuthenticateAsync(
        HttpContext context, ReadOnlyMemory<byte> body, string service, CancellationToken cancellationToken)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = values.Select(v => v ?? string.Empty).ToArray();
        }

        var request = new SigV4Request(
            context.Request.Method,
            question < 0 ? target : target[..question],
            question < 0 ? string.Empty : target[(question + 1)..],
            headers,
            SigV4Request.HashPayload(body.Span));

        AccessKey? key = null;
        var result = await verifier.VerifyAsync(request, RegistryIdentity.IsValidRegion, service, async (id, ct) =>
        {
            key = await credentials.FindAsync(id, ct).ConfigureAwait(false);
            return key is { IsActive: true } ? Encoding.UTF8.GetString(protector.Unprotect(key.SecretCiphertext)) : null;
        }, cancellationToken).ConfigureAwait(false);

        if (!result.Succeeded)
        {
            return (null, null, result.Error);
        }

        return (new Principal(key!.AccountId, key.PrincipalArn, key.AccessKeyId), result.Identity.Region, null);
    }
}
