using System.Security.Cryptography;

namespace Berth.Core.Content;

/// <summary>
/// A read-only pass-through stream that feeds every byte it returns into an <see cref="IncrementalHash"/> (when
/// given one) and counts them, so a blob is hashed while it is copied and never buffered whole.
/// The hash is owned by the caller; disposing this stream does not dispose the source or the hash.
/// </summary>
public sealed class HashingStream(Stream source, IncrementalHash? hash) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("HashingStream is forward-only");

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException("HashingStream is forward-only");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = source.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("HashingStream is forward-only");

    public override void SetLength(long value) => throw new NotSupportedException("HashingStream is read-only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("HashingStream is read-only");

    private void Observe(ReadOnlySpan<byte> data)
    {
        hash?.AppendData(data);
        BytesRead += data.Length;
    }
}
