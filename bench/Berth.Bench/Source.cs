using System.Security.Cryptography;

namespace Berth.Bench;

/// <summary>Blob content without disk reads on the client: a 64 MiB random buffer repeated, the first 16 bytes a nonce.</summary>
internal sealed class Source
{
    public const int Segment = 1 << 20;
    public static readonly byte[] Random = RandomNumberGenerator.GetBytes(64 << 20);

    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(16);

    public Source(long length)
    {
        Length = length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in Segments(0, length))
        {
            hash.AppendData(segment.Span);
        }
        Digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public long Length { get; }

    public string Digest { get; }

    public IEnumerable<ReadOnlyMemory<byte>> Segments(long offset, long count)
    {
        var position = offset;
        var end = offset + count;
        while (position < end)
        {
            if (position < _nonce.Length)
            {
                var n = (int)Math.Min(_nonce.Length - position, end - position);
                yield return _nonce.AsMemory((int)position, n);
                position += n;
                continue;
            }
            var index = (int)(position % Random.Length);
            var length = (int)Math.Min(Math.Min(Segment, Random.Length - index), end - position);
            yield return Random.AsMemory(index, length);
            position += length;
        }
    }
}
