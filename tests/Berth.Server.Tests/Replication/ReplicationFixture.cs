using Berth.Server.Hosting;
using Berth.Server.Tests.Events;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// The two-account server of <see cref="MultiRegistryFixture"/>, plus a listener of its own for 000000000000/eu-west-1
/// (so docker, which resolves no <c>*.localhost</c> name, pulls from that registry at 127.0.0.1:PORT) and a webhook
/// receiver for the events. Workers poll often so that a test waits little.
/// </summary>
public sealed class ReplicationFixture : MultiRegistryFixture
{
    public WebhookReceiver Webhooks { get; private set; } = null!;

    /// <summary>"127.0.0.1:PORT" of 000000000000/eu-west-1's listener.</summary>
    public string EuWest1Host => Server.AddressOf(l => l.All.Single(x => x.Face == ListenerFace.Registry)).Authority;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Berth:RegistryListeners:0:Url"] = "http://127.0.0.1:0",
        ["Berth:RegistryListeners:0:Region"] = "eu-west-1",
        ["Berth:Events:Webhooks:0:Name"] = "receiver",
        ["Berth:Events:Webhooks:0:Url"] = Webhooks.Url.ToString(),
        ["Berth:Events:Webhooks:0:Secret"] = "replication-webhook-secret-0123456789",
        ["Berth:Events:PollInterval"] = "00:00:00.200",
        ["Berth:Replication:PollInterval"] = "00:00:00.200",
    };

    public override async Task InitializeAsync()
    {
        Webhooks = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Webhooks.DisposeAsync();
    }
}
