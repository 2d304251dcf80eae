using Berth.Core.Credentials;
using Berth.Storage;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>
/// The host of a one-shot command (<c>berth account</c>, <c>gc</c>, <c>replication</c>, <c>vulnerabilities</c>): the
/// application built from the same configuration as <c>serve</c>, its stores migrated, and, for commands that read or
/// write sealed secrets, the master key checked against the store. Null, with the reason on standard error, when it
/// cannot start (the command then exits 2).
/// </summary>
internal static class CommandHost
{
    public static async Task<WebApplication?> OpenAsync(string? data, bool verifyMasterKey, CancellationToken cancellationToken)
    {
        WebApplication? app = null;
        try
        {
            app = BerthApplication.Create(configuration => configuration.AddInMemoryCollection(BerthCommandLine.Overrides(null, data)));
            await app.Services.InitializeStorageAsync(cancellationToken).ConfigureAwait(false);
            if (verifyMasterKey)
            {
                await app.Services.GetRequiredService<MasterKeyCheck>()
                    .VerifyAsync(app.Services.GetRequiredService<IOptions<BerthOptions>>().Value.AccountId, "Berth:MasterKey", cancellationToken).ConfigureAwait(false);
            }

            return app;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync($"berth: cannot start: {e.Message}").ConfigureAwait(false);
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            return null;
        }
    }
}
