using Berth.Core.Registries;
using Berth.Core.Replication;

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

    private static async Task DescribeRegistryAsync(EcrCall call)
    {
        var configuration = await call.Service<ReplicationService>().GetConfigurationAsync(call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            ReplicationOperations.Write(json, configuration);
        }).ConfigureAwait(false);
    }

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
