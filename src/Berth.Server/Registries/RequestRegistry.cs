using Berth.Core.Registries;

namespace Berth.Server.Registries;

/// <summary>
/// The registry a request acts on, per request (DI scope). The edge sets it once it knows the registry — from the host
/// on /v2/, from the caller's account, the SigV4 region and registryId on the ECR API — before it resolves any
/// registry-bound service; those services receive it as their <see cref="RegistryIdentity"/>.
/// </summary>
internal sealed class RequestRegistry
{
    private RegistryIdentity? _current;

    public RegistryIdentity Current
    {
        get => _current ?? throw new InvalidOperationException("The registry of this request was used before the edge decided it.");
        set => _current = _current is null || _current == value
            ? value
            : throw new InvalidOperationException($"The registry of this request is already {_current}.");
    }

    /// <summary>The registry once decided, or null (the audit trail reads it after the request, whatever happened).</summary>
    public RegistryIdentity? Known => _current;

    /// <summary>Sets the registry of the request's scope.</summary>
    public static void Set(HttpContext context, RegistryIdentity registry) =>
        context.RequestServices.GetRequiredService<RequestRegistry>().Current = registry;
}
