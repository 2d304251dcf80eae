using System.Net.Http.Headers;
using System.Text;
using Berth.Core.Events;
using Berth.Server.BackgroundJobs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.Events;

/// <summary>
/// Delivers the event outbox to the webhooks on every node: claims a batch of due rows for Berth:Events:ClaimDuration,
/// POSTs each event's JSON to its endpoint with the HMAC signature (<see cref="WebhookSignature"/>) and the event id in
/// <c>X-Berth-Event-Id</c>, and settles it: any 2xx is delivered; anything else (another status, a refused connection,
/// a timeout) is retried after Berth:Events:RetryDelay doubled per attempt up to MaxRetryDelay, and given up (FAILED)
/// after MaxAttempts. Delivery is at least once: a node killed after the receiver answered but before the row was
/// settled delivers again once its claim runs out, with the same event id, which receivers use to drop repeats.
/// </summary>
internal sealed partial class EventDeliveryJob : BackgroundService
{
    public const string EventIdHeader = "X-Berth-Event-Id";
    private readonly IEventOutbox _outbox;
    private readonly NodeIdentity _node;
    private readonly EventsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EventDeliveryJob> _logger;
    private readonly HttpClient _http;

    public EventDeliveryJob(IEventOutbox outbox, NodeIdentity node, IOptions<BerthOptions> options, TimeProvider time, ILogger<EventDeliveryJob> logger)
    {
        _outbox = outbox;
        _node = node;
        _options = options.Value.Events;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
        {
            Timeout = _options.Timeout,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Berth-Webhook", "1"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogClaimFailed(_logger, e);
            }

            if (claimed == 0)
            {
                await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims and delivers one batch; returns how many rows it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var events = await _outbox.ClaimAsync(_node.Id, _options.BatchSize, _options.ClaimDuration, cancellationToken).ConfigureAwait(false);
        foreach (var outboxEvent in events)
        {
            var webhook = _options.Webhooks.Find(w => w.Name == outboxEvent.Endpoint);
            if (webhook is null)
            {
                await _outbox.FailAsync(outboxEvent, _node.Id, $"no webhook named '{outboxEvent.Endpoint}' is configured", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var error = await PostAsync(webhook, outboxEvent, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                await _outbox.DeliveredAsync(outboxEvent, _node.Id, cancellationToken).ConfigureAwait(false);
            }
            else if (outboxEvent.Attempts + 1 >= _options.MaxAttempts)
            {
                LogGivenUp(_logger, outboxEvent.EventId, webhook.Name, outboxEvent.Attempts + 1, error);
                await _outbox.FailAsync(outboxEvent, _node.Id, error, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var delay = RetryDelay(outboxEvent.Attempts);
                LogRetrying(_logger, outboxEvent.EventId, webhook.Name, delay, error);
                await _outbox.RetryAsync(outboxEvent, _node.Id, delay, error, cancellationToken).ConfigureAwait(false);
            }
        }

        return events.Count;
    }

    /// <summary>RetryDelay × 2^(attempts made before), at most MaxRetryDelay.</summary>
    public TimeSpan RetryDelay(int previousAttempts)
    {
        var factor = Math.Pow(2, Math.Min(previousAttempts, 30));
        var delay = _options.RetryDelay.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, _options.MaxRetryDelay.TotalMilliseconds));
    }

    /// <summary>Null when the endpoint answered 2xx, else what went wrong.</summary>
    private async Task<string?> PostAsync(WebhookOptions webhook, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(outboxEvent.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(EventIdHeader, outboxEvent.EventId);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(webhook.Secret, body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_options.Timeout}";
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 150, Level = LogLevel.Warning, Message = "Event {EventId} to webhook {Webhook} failed ({Reason}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string eventId, string webhook, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 151, Level = LogLevel.Error, Message = "Event {EventId} to webhook {Webhook} given up after {Attempts} attempts: {Reason}")]
    private static partial void LogGivenUp(ILogger logger, string eventId, string webhook, int attempts, string reason);

    [LoggerMessage(EventId = 152, Level = LogLevel.Error, Message = "Claiming webhook deliveries failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
