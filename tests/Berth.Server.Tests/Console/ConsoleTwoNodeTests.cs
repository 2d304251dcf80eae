using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Berth.Core.Credentials;
using Berth.Server.Tests.Cluster;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Console;

/// <summary>
/// Two nodes on one PostgreSQL database: the console's session and anti-forgery keys are the store's (sealed under
/// the master key), so a session cookie made by node A is read by node B, and a form token from B is accepted by A.
/// Plain HTTP, no browser: the cookies are carried by hand between the nodes' ports.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed partial class ConsoleTwoNodeTests(PostgresCluster cluster) : IAsyncLifetime
{
    private SharedStorage _storage = null!;
    private BerthTestServer _nodeA = null!;
    private BerthTestServer _nodeB = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedStorage.CreateAsync(cluster);
        _nodeA = await BerthTestServer.StartEcrAsync(_storage.Settings());
        _nodeB = await BerthTestServer.StartEcrAsync(_storage.Settings(new Dictionary<string, string?>
        {
            ["Berth:RootAccessKeyId"] = _nodeA.AccessKeyId,
            ["Berth:RootSecretAccessKey"] = _nodeA.SecretAccessKey,
        }));
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _storage.Dispose();
    }

    [SkippableFact]
    public async Task ASessionMadeOnOneNodeIsReadOnTheOtherAndTheKeysAreStoredSealed()
    {
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler);

        // Sign in on node A.
        var (signInPage, antiforgeryA) = await GetFormAsync(http, _nodeA, "/console/sign-in", null);
        using var signIn = await PostAsync(http, _nodeA, "/console/sign-in", antiforgeryA, new()
        {
            ["__RequestVerificationToken"] = TokenOf(signInPage),
            ["accessKeyId"] = _nodeA.AccessKeyId,
            ["secretAccessKey"] = _nodeA.SecretAccessKey,
            ["returnUrl"] = "/console/repositories",
        });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = CookieOf(signIn, "berth-console");

        // Node B reads that session: the repositories page, not a redirect to its sign-in.
        var (repositories, antiforgeryB) = await GetFormAsync(http, _nodeB, "/console/repositories", session);
        Assert.Contains("Sign out", repositories, StringComparison.Ordinal);

        // A form token made by node B (the sign-out form) is accepted by node A.
        using var signOut = await PostAsync(http, _nodeA, "/console/sign-out", antiforgeryB + "; " + session, new() { ["__RequestVerificationToken"] = TokenOf(repositories) });
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.EndsWith("/console/sign-in", signOut.Headers.Location!.ToString(), StringComparison.Ordinal);

        // The key ring is in the database, sealed: no key XML in the clear, and the master key opens it.
        var sealedElements = await _nodeB.Services.GetRequiredService<IConsoleKeyStore>().ListAsync(CancellationToken.None);
        Assert.NotEmpty(sealedElements);
        var protector = _nodeB.Services.GetRequiredService<SecretProtector>();
        Assert.All(sealedElements, e =>
        {
            Assert.DoesNotContain("<key", Encoding.UTF8.GetString(e), StringComparison.Ordinal);
            Assert.StartsWith("<key", Encoding.UTF8.GetString(protector.Unprotect(e)), StringComparison.Ordinal);
        });
    }

    private static async Task<(string Html, string Antiforgery)> GetFormAsync(HttpClient http, BerthTestServer node, string path, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseAddress, path));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), CookieOf(response, "berth-console-af"));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, BerthTestServer node, string path, string cookie, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseAddress, path)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    /// <summary>"name=value" of a cookie the response sets.</summary>
    private static string CookieOf(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    private static string TokenOf(string html) => WebUtility.HtmlDecode(Token().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
