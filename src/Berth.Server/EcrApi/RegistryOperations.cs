using Berth.Core.Registries;

namespace Berth.Server.EcrApi;

/// <summary>
/// Registry-level operations: DescribeRegistry, GetAccountSetting, PutAccountSetting.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html and
/// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html
/// </summary>
internal static class RegistryOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("DescribeRegistry", DescribeRegistryAsync);
        operations.Add("GetAccountSetting", GetAccountSettingAsync);
        operations.Add("PutAccountSetting", PutAccountSettingAsync);
    }

    // Replication is not served yet: the registry reports an empty replication configuration, as a new ECR registry does.
    private static Task DescribeRegistryAsync(EcrCall call) =>
        call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteStartObject("replicationConfiguration");
            json.WriteStartArray("rules");
            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static async Task GetAccountSettingAsync(EcrCall call)
    {
        var name = call.String("name")!;
        var value = await call.Service<AccountSettingService>().GetAsync(name, call.Aborted).ConfigureAwait(false);
        await WriteSettingAsync(call, name, value).ConfigureAwait(false);
    }

    private static async Task PutAccountSettingAsync(EcrCall call)
    {
        var name = call.String("name")!;
        var value = await call.Service<AccountSettingService>().PutAsync(name, call.String("value")!, call.Aborted).ConfigureAwait(false);
        await WriteSettingAsync(call, name, value).ConfigureAwait(false);
    }

    private static Task WriteSettingAsync(EcrCall call, string name, string value) =>
        call.RespondAsync(json =>
        {
            json.WriteString("name", name);
            json.WriteString("value", value);
        });
}
