using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// Reads a blob with O_DIRECT, from the device into an aligned buffer, with the next buffer's read already in flight
/// while the current one is handed out, so the page cache is neither filled nor consulted. Reads start at a block
/// boundary and ask for whole buffers (the kernel returns less at the end of the file); an offset inside a block skips
/// the bytes before it.
/// </summary>
internal sealed class DirectReadStream : Stream
{
    private readonly SafeFileHandle _file;
    private readonly long _length;
    private AlignedBuffer _current = AlignedBuffer.Rent();
    private AlignedBuffer _next = AlignedBuffer.Rent();
    private Task<int>? _pending;
    private long _nextOffset; // where the pending (or next) read of the device starts, block aligned
    private int _skip; // the offset inside the first block, skipped once its buffer arrives
    private int _start;
    private int _end;
    private long _position;

    /// <param name="file">The blob, open with O_DIRECT; the stream owns it.</param>
    /// <param name="offset">Where reading starts.</param>
    /// <param name="length">The blob's length (the caller has it already).</param>
    public DirectReadStream(SafeFileHandle file, long offset, long length)
    {
        _file = file;
        _length = length;
        _position = Math.Min(offset, _length);
        _nextOffset = _position & ~(long)(DirectIo.Alignment - 1);
        _skip = (int)(_position - _nextOffset);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= _length)
        {
            return 0;
        }

        return _start < _end || await FillAsync(cancellationToken).ConfigureAwait(false) ? CopyOut(buffer.Span) : 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= _length)
        {
            return 0;
        }

        // Synchronous callers are rare (none on the request path): only a refill waits, on the same read as the async path.
        return _start < _end || FillAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() ? CopyOut(buffer) : 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await SettleAsync().ConfigureAwait(false);
        Release();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            SettleAsync().AsTask().GetAwaiter().GetResult();
            Release();
        }

        base.Dispose(disposing);
    }

    private int CopyOut(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _end - _start);
        _current.Memory.Span.Slice(_start, count).CopyTo(destination);
        _start += count;
        _position += count;
        return count;
    }

    /// <summary>Makes the next buffer current, starting the read after it; false at the end of the file.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var skip = _skip;
        _skip = 0;
        var bufferStart = _nextOffset;
        var read = _pending is { } pending ? await pending.ConfigureAwait(false) : await ReadDeviceAsync(_current, bufferStart, cancellationToken).ConfigureAwait(false);
        if (_pending is not null)
        {
            (_current, _next) = (_next, _current);
            _pending = null;
        }

        _nextOffset = bufferStart + AlignedBuffer.Bytes;
        if (read <= skip)
        {
            return false;
        }

        _start = skip;
        _end = read;
        if (_nextOffset < _length && read == AlignedBuffer.Bytes)
        {
            _pending = ReadDeviceAsync(_next, _nextOffset, CancellationToken.None).AsTask();
        }

        return true;
    }

    private ValueTask<int> ReadDeviceAsync(AlignedBuffer buffer, long offset, CancellationToken cancellationToken) =>
        RandomAccess.ReadAsync(_file, buffer.Memory, offset, cancellationToken);

    private async ValueTask SettleAsync()
    {
        // A read in flight writes into a pooled buffer: it must end before the buffer goes back to the pool.
        if (_pending is { } pending)
        {
            _pending = null;
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The stream is being disposed; the read's outcome no longer matters.
            }
        }
    }

    private void Release()
    {
        if (_file.IsClosed)
        {
            return;
        }

        _file.Dispose();
        AlignedBuffer.Return(_current);
        AlignedBuffer.Return(_next);
    }
}
