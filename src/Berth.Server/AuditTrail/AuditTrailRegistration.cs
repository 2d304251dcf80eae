using Berth.Core.Events;
using Berth.Server.Events;
using Berth.Server.Hosting;

namespace Berth.Server.AuditTrail;

/// <summary>Composition of the audit trail and of image events to webhooks.</summary>
internal static class AuditTrailRegistration
{
    /// <summary>
    /// The audit writer and its retention job when Berth:AuditTrail:Enabled (LookupEvents is served either way), and
    /// the event outbox's endpoints and delivery job when Berth:Events:Webhooks lists any.
    /// </summary>
    public static IServiceCollection AddAuditTrailAndEvents(this IServiceCollection services, BerthOptions options)
    {
        if (options.AuditTrail.Enabled)
        {
            services.AddSingleton<AuditTrailWriter>();
            services.AddHostedService(sp => sp.GetRequiredService<AuditTrailWriter>());
            services.AddSingleton<AuditRetentionJob>();
            services.AddHostedService(sp => sp.GetRequiredService<AuditRetentionJob>());
        }

        services.AddSingleton(new ImageEventEndpoints(options.Events.Webhooks.Select(w => w.Name).ToList()));
        if (options.Events.Webhooks.Count > 0)
        {
            services.AddSingleton<EventDeliveryJob>();
            services.AddHostedService(sp => sp.GetRequiredService<EventDeliveryJob>());
        }

        return services;
    }
}
