using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Telemetry;

/// <summary>
/// A berth process with <c>Logging:Console:FormatterName=json</c>: every line is a JSON object, and a line written
/// while a request runs carries that request's id (the logging scope), the same id its x-amzn-RequestId returned.
/// </summary>
public sealed class RequestLogTests
{
    [Fact]
    public async Task JsonLogLinesOfARequestCarryTheRequestIdItReturned()
    {
        await using var berth = await BerthProcess.StartAsync(BerthProcess.NewDataDirectory(), new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Information",
        });
        try
        {
            var repository = $"logs/{Guid.NewGuid():N}";
            var config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}"u8.ToArray();
            var configDigest = await berth.Client.PushBlobAsync(repository, config);
            using var put = await berth.Client.PutManifestAsync(repository, "v1", OciTestClient.ImageManifest(configDigest, config.Length, []), OciTestClient.OciManifest);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            var requestId = Assert.Single(put.Headers.GetValues("x-amzn-RequestId"));
            Assert.True(Guid.TryParse(requestId, out _), requestId);

            // The console logger writes on its own thread: wait for the line, however long that takes.
            var line = await WaitForLineAsync(berth, l => l.GetProperty("EventId").GetInt32() == 200 && l.GetProperty("Message").GetString()!.Contains(repository, StringComparison.Ordinal));

            var scope = Assert.Single(line.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("RequestId", out _));
            Assert.Equal(requestId, scope.GetProperty("RequestId").GetString());
            Assert.Equal("Information", line.GetProperty("LogLevel").GetString());
        }
        finally
        {
            await berth.DisposeAsync();
            Directory.Delete(berth.DataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task EveryAwsApiResponseReturnsItsRequestIdInTheBodyAndHeader()
    {
        await using var server = await BerthTestServer.StartEcrAsync();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "GetCallerIdentity", ["Version"] = "2011-06-15" });
        using var unsigned = await server.Client.PostAsync(new Uri("/", UriKind.Relative), content);
        var body = await unsigned.Content.ReadAsStringAsync();
        var header = Assert.Single(unsigned.Headers.GetValues("x-amzn-RequestId"));

        Assert.Contains($"<RequestId>{header}</RequestId>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestIdsAreVersion7UuidsThatSortByTime()
    {
        await using var server = await BerthTestServer.StartEcrAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await server.Client.GetAsync(new Uri("/v2/", UriKind.Relative));
            ids.Add(Assert.Single(response.Headers.GetValues("x-amzn-RequestId")));
            await Task.Delay(5);
        }

        // RFC 9562: version nibble 7, variant 10xx; the first 48 bits are the millisecond time, so later requests sort later.
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\z", id));
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(3, ids.Distinct().Count());
    }

    private static async Task<JsonElement> WaitForLineAsync(BerthProcess berth, Func<JsonElement, bool> match)
    {
        // Not a timing assertion: a guard so that a missing line fails with the output instead of hanging the run.
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            Assert.True(DateTime.UtcNow < giveUp, $"no matching JSON line in:\n{berth.Output}");
            foreach (var text in berth.Output.Split('\n'))
            {
                if (!text.StartsWith('{'))
                {
                    continue;
                }

                var line = JsonDocument.Parse(text).RootElement;
                if (match(line))
                {
                    return line;
                }
            }

            await Task.Delay(50);
        }
    }
}
