namespace Berth.Core.SigV4;

/// <summary>Who signed a request that passed verification, and for which scope.</summary>
/// <param name="AccessKeyId">The access key id from the credential scope; its secret produced the signature.</param>
/// <param name="Region">The region of the credential scope (equal to the expected region).</param>
/// <param name="Service">The service of the credential scope (equal to the expected service).</param>
/// <param name="SignedAt">The request time that was signed (<c>X-Amz-Date</c> or <c>Date</c>), in UTC.</param>
/// <param name="SessionToken">
/// <c>X-Amz-Security-Token</c> from the header or query, or null. The verifier does not check it: a caller that issues
/// temporary credentials must check that it belongs to <see cref="AccessKeyId"/>.
/// </param>
/// <param name="IsPresigned">True when the signature came in the query string rather than the Authorization header.</param>
public sealed record SigV4Identity(
    string AccessKeyId,
    string Region,
    string Service,
    DateTimeOffset SignedAt,
    string? SessionToken,
    bool IsPresigned);
