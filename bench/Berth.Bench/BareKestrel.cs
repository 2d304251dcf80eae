using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Berth.Bench;

/// <summary>
/// The ceiling of the machine for a registry written on Kestrel (with Berth's 64 KiB transport blocks): PUT /upload
/// reads the body once from Kestrel's pipe, gathers it into 256 KiB buffers that it hashes and writes to a file,
/// fsyncs, answers the digest; GET /small answers two bytes.
/// </summary>
internal static class BareKestrel
{
    public static async Task RunAsync(int port, string directory)
    {
        Directory.CreateDirectory(directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, Berth.Server.Hosting.TransportMemoryPoolFactory>();
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
                // Kestrel's pipe hands out segments of one transport block (64 KiB here, as in Berth); gather them into
                // 256 KiB writes, as a real store would, so the ceiling is not a measure of one pwrite per segment.
                var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
                var filled = 0;
                long offset = 0;
                var reader = context.Request.BodyReader;
                while (true)
                {
                    ReadResult result = await reader.ReadAsync();
                    foreach (var segment in result.Buffer)
                    {
                        var span = segment.Span;
                        while (!span.IsEmpty)
                        {
                            var take = Math.Min(span.Length, buffer.Length - filled);
                            span[..take].CopyTo(buffer.AsSpan(filled));
                            filled += take;
                            span = span[take..];
                            if (filled == buffer.Length)
                            {
                                hash.AppendData(buffer, 0, filled);
                                RandomAccess.Write(file, buffer.AsSpan(0, filled), offset);
                                offset += filled;
                                filled = 0;
                            }
                        }
                    }
                    reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                hash.AppendData(buffer, 0, filled);
                RandomAccess.Write(file, buffer.AsSpan(0, filled), offset);
                ArrayPool<byte>.Shared.Return(buffer);
                RandomAccess.FlushToDisk(file);
            }
            File.Delete(path);
            context.Response.StatusCode = 201;
            await context.Response.WriteAsync("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()));
        });
        await app.RunAsync();
    }
}
