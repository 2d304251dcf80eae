using System.Net;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.Authorization;

/// <summary>
/// /v2/_catalog for a caller allowed to describe some repositories only: neither the body nor the Link header's
/// <c>last</c> cursor names a repository the caller may not see (a cursor from the unfiltered page would let a
/// caller walk every name by following the links).
/// </summary>
public sealed class CatalogVisibilityTests(MultiRegistryFixture fixture) : IClassFixture<MultiRegistryFixture>
{
    private readonly IamCli _aws = new(fixture.Server);

    private string Host => fixture.Server.BaseAddress.Authority;

    [Fact]
    public async Task TheCatalogCursorOfAPartialViewerIsTheLastNameItMaySee()
    {
        foreach (var name in new[] { "catalog/a-hidden", "catalog/b-visible", "catalog/c-hidden" })
        {
            await _aws.RunAsync("ecr", "create-repository", "--repository-name", name);
        }

        var password = await PasswordOfUserAsync("catalog-partial", $"arn:aws:ecr:us-east-1:{MultiRegistryFixture.Default}:repository/catalog/b-visible");

        using var first = await fixture.GetAsync(Host, "/v2/_catalog?n=1", password);
        using var next = await fixture.GetAsync(Host, "/v2/_catalog?n=1&last=catalog%2Fb-visible", password);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("{\"repositories\":[\"catalog/b-visible\"]}", await first.Content.ReadAsStringAsync());
        Assert.Equal("</v2/_catalog?n=1&last=catalog%2Fb-visible>; rel=\"next\"", first.Headers.GetValues("Link").Single());
        Assert.Equal("{\"repositories\":[]}", await next.Content.ReadAsStringAsync());
        Assert.False(next.Headers.Contains("Link"));
    }

    [Fact]
    public async Task ACallerWhoMaySeeNoRepositoryGetsNoCursor()
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "catalog/nobody-sees-this");
        var password = await PasswordOfUserAsync("catalog-blind", $"arn:aws:ecr:us-east-1:{MultiRegistryFixture.Default}:repository/none");

        using var catalog = await fixture.GetAsync(Host, "/v2/_catalog?n=1", password);

        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Equal("{\"repositories\":[]}", await catalog.Content.ReadAsStringAsync());
        Assert.False(catalog.Headers.Contains("Link"));
    }

    private async Task<string> PasswordOfUserAsync(string userName, string describableArn)
    {
        var key = await _aws.CreateUserWithKeyAsync(userName);
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", userName, "--policy-name", "ecr", "--policy-document", $$"""
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
             {"Effect":"Allow","Action":"ecr:DescribeRepositories","Resource":"{{describableArn}}"}]}
            """);
        var result = await new AwsCli(fixture.Server).RunRawAsync(["ecr", "get-login-password"], key.Environment);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput.Trim();
    }
}
