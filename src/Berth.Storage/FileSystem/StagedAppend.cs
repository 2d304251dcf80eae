using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// Copies a request body onto the end of a staged file, a full buffer per write, with two buffers so that the write of
/// one (a pwrite on a thread-pool thread) overlaps reading and hashing the next from the socket.
/// <para>
/// With <c>direct</c> the file is open with O_DIRECT: every write is whole aligned blocks at an aligned offset. An
/// upload that holds a partial last block (after a chunk of any length) has that block read back into the front of the
/// first buffer and written again with the new bytes after it; the last write is padded to a whole block and the file
/// is then truncated to its exact length. Bytes past the recorded size after a failure (padding, or a body cut short)
/// are what the store's next append or commit already truncates.
/// </para>
/// </summary>
internal static class StagedAppend
{
    /// <summary>Appends <paramref name="source"/> at <paramref name="size"/> and returns how many bytes it held.</summary>
    public static async ValueTask<long> AppendAsync(SafeFileHandle file, long size, bool direct, Stream source, CancellationToken cancellationToken)
    {
        const int block = DirectIo.Alignment;
        var current = AlignedBuffer.Rent();
        var spare = AlignedBuffer.Rent();
        Task pending = Task.CompletedTask;
        try
        {
            var offset = direct ? size & ~(long)(block - 1) : size;
            var head = (int)(size - offset);
            if (head > 0 && await RandomAccess.ReadAsync(file, current.Memory[..block], offset, cancellationToken).ConfigureAwait(false) < head)
            {
                throw new IOException($"the staged file ends before its recorded {size} bytes");
            }

            var filled = head;
            long received = 0;
            while (true)
            {
                int read;
                while (filled < AlignedBuffer.Bytes
                    && (read = await source.ReadAsync(current.Memory[filled..], cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                    received += read;
                }

                if (filled < AlignedBuffer.Bytes)
                {
                    break;
                }

                await pending.ConfigureAwait(false);
                pending = RandomAccess.WriteAsync(file, current.Memory, offset, cancellationToken).AsTask();
                offset += AlignedBuffer.Bytes;
                (current, spare) = (spare, current);
                filled = 0;
            }

            await pending.ConfigureAwait(false);
            if (received == 0 || filled == 0)
            {
                return received;
            }

            var length = direct ? (filled + block - 1) & ~(block - 1) : filled;
            current.Memory.Span[filled..length].Clear();
            await RandomAccess.WriteAsync(file, current.Memory[..length], offset, cancellationToken).ConfigureAwait(false);
            if (length != filled)
            {
                RandomAccess.SetLength(file, size + received);
            }

            return received;
        }
        finally
        {
            // A write still in flight uses a buffer: it must end before the buffers are handed to another upload.
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already reported by the path that failed; the staged bytes past the recorded size are dropped later.
            }

            AlignedBuffer.Return(current);
            AlignedBuffer.Return(spare);
        }
    }
}
