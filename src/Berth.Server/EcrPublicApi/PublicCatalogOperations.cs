using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.PublicRegistries;
using Berth.Core.Repositories;
using Berth.Server.EcrApi;
using Berth.Server.PublicDistribution;

namespace Berth.Server.EcrPublicApi;

/// <summary>
/// GetRepositoryCatalogData and PutRepositoryCatalogData, and the RepositoryCatalogData shape CreateRepository also
/// reads and writes. A put replaces the whole catalog data. The logo is kept as bytes and answered as logoUrl, a URL
/// on the public host that serves it (<see cref="LogoEndpoint"/>).
/// </summary>
internal static class PublicCatalogOperations
{
    /// <summary>LogoImageBlob's limit in the model and the guide: 500 KB.</summary>
    private const int MaxLogoBytes = 512000;

    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("GetRepositoryCatalogData", GetAsync);
        operations.Add("PutRepositoryCatalogData", PutAsync);
    }

    private static async Task GetAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Service<RepositoryService>().GetAsync(name, call.Aborted).ConfigureAwait(false);
        var data = await call.Service<PublicRegistryService>().GetCatalogDataAsync(call.Registry.AccountId, name, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WritePropertyName("catalogData");
            Write(json, call, name, data);
        }).ConfigureAwait(false);
    }

    private static async Task PutAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var data = Read(call.Element("catalogData")!.Value);
        await call.Service<PublicRegistryService>().PutCatalogDataAsync(call.Registry.AccountId, name, data, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WritePropertyName("catalogData");
            Write(json, call, name, data);
        }).ConfigureAwait(false);
    }

    /// <summary>Reads a RepositoryCatalogDataInput the model already validated; the logo must be a PNG or JPEG of at most 500 KB.</summary>
    public static RepositoryCatalogData Read(JsonElement input)
    {
        byte[]? logo = null;
        if (input.TryGetProperty("logoImageBlob", out var blob) && blob.ValueKind == JsonValueKind.String)
        {
            try
            {
                logo = Convert.FromBase64String(blob.GetString()!);
            }
            catch (FormatException)
            {
                throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'logoImageBlob' failed to satisfy constraint: 'Member must be base64 encoded'");
            }

            if (logo.Length > MaxLogoBytes)
            {
                throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at 'logoImageBlob' failed to satisfy constraint: 'Member must have length less than or equal to {MaxLogoBytes}'");
            }

            if (logo.Length == 0)
            {
                logo = null;
            }
            else if (LogoImage.ContentTypeOf(logo) is null)
            {
                throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'logoImageBlob' failed to satisfy constraint: 'The logo must be a PNG or JPEG image'");
            }
        }

        return new RepositoryCatalogData(
            Text(input, "description"),
            Text(input, "aboutText"),
            Text(input, "usageText"),
            List(input, "architectures"),
            List(input, "operatingSystems"),
            logo);
    }

    /// <summary>Writes RepositoryCatalogData: only the members that are set, as AWS omits the others (<c>{}</c> when none is).</summary>
    public static void Write(Utf8JsonWriter json, EcrCall call, RepositoryName repository, RepositoryCatalogData data)
    {
        json.WriteStartObject();
        if (data.Description is not null)
        {
            json.WriteString("description", data.Description);
        }

        WriteList(json, "architectures", data.Architectures);
        WriteList(json, "operatingSystems", data.OperatingSystems);
        if (data.Logo is not null)
        {
            json.WriteString("logoUrl", LogoEndpoint.UrlOf(call.Context.Request, call.RegistryUri(), repository, data.Logo));
        }

        if (data.AboutText is not null)
        {
            json.WriteString("aboutText", data.AboutText);
        }

        if (data.UsageText is not null)
        {
            json.WriteString("usageText", data.UsageText);
        }

        json.WriteEndObject();
    }

    private static string? Text(JsonElement input, string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] List(JsonElement input, string name) =>
        input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!).ToArray() : [];

    private static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
