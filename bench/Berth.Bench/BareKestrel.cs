using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Berth.Bench;

/// <summary>
/// The ceiling of the machine for a registry written on Kestrel: PUT /upload reads the body once from Kestrel's pipe,
/// hashes each segment and writes it to a file, fsyncs, answers the digest; GET /small answers two bytes.
/// </summary>
internal static class BareKestrel
{
    public static async Task RunAsync(int port, string directory)
    {
        Directory.CreateDirectory(directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenLocalhost(port);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var small = "ok"u8.ToArray();
        app.MapGet("/small", (HttpContext context) =>
        {
            context.Response.ContentLength = small.Length;
            return context.Response.Body.WriteAsync(small).AsTask();
        });
        app.MapPut("/upload", async (HttpContext context) =>
        {
            context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
            var path = Path.Combine(directory, Guid.NewGuid().ToString("N"));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
            {
                var reader = context.Request.BodyReader;
                long offset = 0;
                while (true)
                {
                    ReadResult result = await reader.ReadAsync();
                    foreach (var segment in result.Buffer)
                    {
                        hash.AppendData(segment.Span);
                        RandomAccess.Write(file, segment.Span, offset);
                        offset += segment.Length;
                    }
                    reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                RandomAccess.FlushToDisk(file);
            }
            File.Delete(path);
            context.Response.StatusCode = 201;
            await context.Response.WriteAsync("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()));
        });
        await app.RunAsync();
    }
}
