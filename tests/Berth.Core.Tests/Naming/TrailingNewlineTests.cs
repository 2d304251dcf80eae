using Berth.Core.Content;
using Berth.Core.IamPolicies;
using Berth.Core.Naming;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;

namespace Berth.Core.Tests.Naming;

/// <summary>
/// .NET's <c>$</c> also matches before a final <c>\n</c>, so every validator is fed a valid value with a newline
/// appended: each must refuse it while it still accepts the value itself.
/// </summary>
public sealed class TrailingNewlineTests
{
    private const string Digest256 = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    public static TheoryData<string, Func<string, bool>, string> Validators => new()
    {
        { "repository name", v => RepositoryName.TryParse(v, out _), "abc" },
        { "nested repository name", v => RepositoryName.TryParse(v, out _), "team/abc" },
        { "tag", v => Tag.TryParse(v, out _), "x" },
        { "reference (tag)", v => Reference.TryParse(v, out _), "nl" },
        { "reference (digest)", v => Reference.TryParse(v, out _), Digest256 },
        { "digest", v => Digest.TryParse(v, out _), Digest256 },
        { "account id", RegistryIdentity.IsValidAccountId, "444455556666" },
        { "region", RegistryIdentity.IsValidRegion, "eu-west-1" },
        { "public registry alias", PublicRegistryService.IsValidAlias, "myalias" },
        { "principal account id", v => ParsesWithPrincipal("AWS", v), "444455556666" },
        { "principal ARN", v => ParsesWithPrincipal("AWS", v), "arn:aws:iam::444455556666:user/alice" },
        { "service principal", v => ParsesWithPrincipal("Service", v), "ecs.amazonaws.com" },
        { "federated principal", v => ParsesWithPrincipal("Federated", v), "accounts.google.com" },
    };

    [Theory]
    [MemberData(nameof(Validators))]
    public void AValidValueWithATrailingNewlineIsRefused(string validator, Func<string, bool> accepts, string valid)
    {
        Assert.True(accepts(valid), $"{validator} refuses its own valid example '{valid}'");
        Assert.False(accepts(valid + "\n"), $"{validator} accepts '{valid}\\n'");
    }

    private static bool ParsesWithPrincipal(string type, string value)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new Dictionary<string, object>
            {
                ["Effect"] = "Allow",
                ["Principal"] = new Dictionary<string, string> { [type] = value },
                ["Action"] = "ecr:BatchGetImage",
            },
        });
        try
        {
            _ = PolicyDocument.Parse(json, PolicyDocumentKind.Resource);
            return true;
        }
        catch (MalformedPolicyDocumentException)
        {
            return false;
        }
    }
}
