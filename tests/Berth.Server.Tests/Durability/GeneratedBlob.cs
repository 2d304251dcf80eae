using System.Buffers;
using System.Security.Cryptography;

namespace Berth.Server.Tests.Durability;

/// <summary>
/// Pseudo-random content of any length, made on the fly from a seed so that hundreds of megabytes never sit in the
/// test's memory: block <c>i</c> (1 MiB) comes from <c>new Random(seed + i)</c>, whose output .NET keeps stable.
/// Any byte range can be produced again, which lets a test resume an upload from wherever the server says it ends.
/// </summary>
public sealed class GeneratedBlob(int seed, long length)
{
    public const int BlockBytes = 1024 * 1024;

    public long Length { get; } = length;

    /// <summary>"sha256:…" of the whole content.</summary>
    public string Digest { get; } = ComputeDigest(seed, length);

    /// <summary>
    /// Writes bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>) to
    /// <paramref name="destination"/>; <paramref name="afterBlock"/> runs after each block with the bytes written so far.
    /// </summary>
    public async Task WriteAsync(Stream destination, long offset, long count, Func<long, Task>? afterBlock, CancellationToken cancellationToken)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            long written = 0;
            while (written < count)
            {
                var position = offset + written;
                var index = position / BlockBytes;
                Fill(seed, index, block);
                var start = (int)(position - (index * BlockBytes));
                var take = (int)Math.Min(BlockBytes - start, count - written);
                await destination.WriteAsync(block.AsMemory(start, take), cancellationToken);
                written += take;
                if (afterBlock is not null)
                {
                    await afterBlock(written);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private static void Fill(int seed, long index, byte[] block) =>
        new Random(unchecked(seed + (int)index)).NextBytes(block.AsSpan(0, BlockBytes));

    private static string ComputeDigest(int seed, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            for (long index = 0; index * BlockBytes < length; index++)
            {
                Fill(seed, index, block);
                hash.AppendData(block, 0, (int)Math.Min(BlockBytes, length - (index * BlockBytes)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
