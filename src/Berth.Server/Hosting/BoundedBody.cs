using System.Buffers;
using Berth.Core.Errors;

namespace Berth.Server.Hosting;

/// <summary>
/// Reads a request body that the format requires whole (a manifest, an AWS JSON request) with a hard cap: a declared
/// length over the cap is refused before reading, an undeclared one at the first byte past it.
/// </summary>
internal static class BoundedBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, int limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw tooLarge();
        }

        var writer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(writer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return writer.WrittenMemory;
            }

            writer.Advance(read);
            if (writer.WrittenCount > limit)
            {
                throw tooLarge();
            }
        }
    }
}
