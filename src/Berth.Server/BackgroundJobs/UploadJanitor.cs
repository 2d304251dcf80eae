using Berth.Core.Blobs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.BackgroundJobs;

/// <summary>Removes uploads of every registry idle for longer than Berth:Uploads:MaxAge, every Berth:Uploads:PurgeInterval.</summary>
internal sealed partial class UploadJanitor(
    OpenUploads uploads, IOptions<BerthOptions> options, TimeProvider time, ILogger<UploadJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Uploads;
        using var timer = new PeriodicTimer(settings.PurgeInterval, time);
        do
        {
            try
            {
                var removed = await uploads.PurgeStaleAsync(time.GetUtcNow() - settings.MaxAge, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogPurged(logger, removed, settings.MaxAge);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Removed {Count} uploads idle for more than {MaxAge}")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan maxAge);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Purging abandoned uploads failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
