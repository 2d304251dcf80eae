using System.Text.Json;

namespace Berth.Server.OciDistribution;

internal static class OciJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
