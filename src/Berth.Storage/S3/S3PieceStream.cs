using Berth.Core.Errors;

namespace Berth.Storage.S3;

/// <summary>
/// Reads the pieces of a staged upload one after the other, each with its own GET, opened when the previous one is
/// used up. Each piece must deliver exactly its recorded size. Read-only, forward-only, asynchronous.
/// </summary>
internal sealed class S3PieceStream(S3Bucket bucket, IReadOnlyList<(string Key, long Size)> pieces) : Stream
{
    private int _index = -1;
    private Stream? _current;
    private long _remaining;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("the staged bytes of an upload are read forward only");

    public override long Position
    {
        get => throw new NotSupportedException("the staged bytes of an upload are read forward only");
        set => throw new NotSupportedException("the staged bytes of an upload are read forward only");
    }

    public async Task OpenFirstAsync(CancellationToken cancellationToken)
    {
        if (_index < 0)
        {
            await NextAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        await OpenFirstAsync(cancellationToken).ConfigureAwait(false);
        while (_current is not null)
        {
            if (_remaining > 0)
            {
                var read = await _current.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"staged piece {pieces[_index].Key} ended {_remaining} bytes early");
                }

                _remaining -= read;
                return read;
            }

            await NextAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("the staged bytes of an upload are read asynchronously (ReadAsync)");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("the staged bytes of an upload are read forward only");

    public override void SetLength(long value) => throw new NotSupportedException("the staged bytes of an upload are read-only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the staged bytes of an upload are read-only");

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
        }

        base.Dispose(disposing);
    }

    private async Task NextAsync(CancellationToken cancellationToken)
    {
        if (_current is not null)
        {
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }

        _index++;
        if (_index >= pieces.Count)
        {
            return;
        }

        var (key, size) = pieces[_index];
        _current = await bucket.OpenAsync(key, 0, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"the staged bytes of an upload are missing ({key})");
        _remaining = size;
    }
}
