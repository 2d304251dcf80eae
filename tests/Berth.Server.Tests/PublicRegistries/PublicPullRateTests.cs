using System.Net;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>ECR Public's pull quotas at their defaults: 1 anonymous pull per second per address, 10 per second per account.</summary>
public sealed class PublicPullRateTests(ITestOutputHelper output) : PublicRegistryTest(output)
{
    [SkippableFact]
    public async Task AnonymousPullsBeyondTheRateGet429AndSucceedAgainAfterIt()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "popular");
        var password = await Public.PasswordAsync();
        using (var pusher = Public.Client(await Public.BearerAsync(password, $"repository:{alias}/popular:pull,push")))
        {
            await pusher.PushImageAsync($"{alias}/popular", "latest");
        }

        using var anonymous = Public.Client(await Public.BearerAsync(null, $"repository:{alias}/popular:pull"));
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        using (var first = await anonymous.GetAsync($"/v2/{alias}/popular/manifests/latest"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var second = await anonymous.GetAsync($"/v2/{alias}/popular/manifests/latest"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal("TOOMANYREQUESTS", await OciTestClient.ErrorCodeAsync(second));
            Assert.Equal("1", second.Headers.GetValues("Retry-After").Single());
        }

        // Authenticated pulls count against the account, at 10 per second: not limited by the address's bucket, and
        // refused once the account's ten are taken (a burst takes milliseconds; a refill in between would allow ten more).
        using (var authenticated = Public.Client(await Public.BearerAsync(password, $"repository:{alias}/popular:pull")))
        {
            var accepted = 0;
            HttpResponseMessage? refused = null;
            for (var i = 0; i < 40 && refused is null; i++)
            {
                var pull = await authenticated.GetAsync($"/v2/{alias}/popular/manifests/latest");
                if (pull.StatusCode == HttpStatusCode.OK)
                {
                    accepted++;
                    pull.Dispose();
                }
                else
                {
                    refused = pull;
                }
            }

            using (refused)
            {
                Assert.NotNull(refused);
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal("TOOMANYREQUESTS", await OciTestClient.ErrorCodeAsync(refused));
            }

            Assert.InRange(accepted, 10, 20);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        using var again = await anonymous.GetAsync($"/v2/{alias}/popular/manifests/latest");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
