using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>
/// Makes a server's store fail on demand: <see cref="Install{TStore}"/> wraps the registered store so that every call
/// throws <see cref="Failure"/> while it is set, and reaches the real store otherwise (startup and sign-in keep working).
/// </summary>
public sealed class StoreFault
{
    /// <summary>What every call of a wrapped store throws; null lets calls through.</summary>
    public Exception? Failure { get; set; }

    /// <summary>An outage as <c>StoreAvailability</c> recognises one: a connection that could not be made.</summary>
    public static Exception Outage() => new HttpRequestException(HttpRequestError.ConnectionError, "connection refused (test outage)");

    public void Install<TStore>(IServiceCollection services)
        where TStore : class
    {
        var original = services.Last(d => d.ServiceType == typeof(TStore));
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(TStore), provider => Wrap(Resolve<TStore>(original, provider)), original.Lifetime));
    }

    private TStore Wrap<TStore>(TStore inner)
        where TStore : class
    {
        var proxy = DispatchProxy.Create<TStore, FaultingStore<TStore>>();
        ((FaultingStore<TStore>)(object)proxy).Attach(inner, this);
        return proxy;
    }

    private static TStore Resolve<TStore>(ServiceDescriptor descriptor, IServiceProvider provider)
        where TStore : class =>
        (TStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}

/// <summary>The wrapper <see cref="StoreFault"/> installs. DispatchProxy derives from it, so it cannot be sealed.</summary>
#pragma warning disable CA1852
public class FaultingStore<TStore> : DispatchProxy
#pragma warning restore CA1852
    where TStore : class
{
    private TStore _inner = null!;
    private StoreFault _fault = null!;

    internal void Attach(TStore inner, StoreFault fault)
    {
        _inner = inner;
        _fault = fault;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (_fault.Failure is { } failure)
        {
            throw failure;
        }

        try
        {
            return targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
