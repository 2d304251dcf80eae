namespace Berth.Core.Credentials;

/// <summary>
/// The web console's session key ring (ASP.NET Data Protection's key XML elements) in the metadata store, so every
/// node of a deployment signs and reads session cookies and anti-forgery tokens with the same keys. Each element is
/// stored sealed under the master key (<see cref="SecretProtector"/>), as other secrets are; this port sees only the
/// sealed bytes. Elements are never changed once stored (Data Protection revokes by adding an element).
/// </summary>
public interface IConsoleKeyStore
{
    /// <summary>Every stored element's sealed bytes, in the order they were stored.</summary>
    ValueTask<IReadOnlyList<byte[]>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores an element under <paramref name="name"/>; a second store of the same name keeps the first.</summary>
    ValueTask AddAsync(string name, byte[] sealedElement, CancellationToken cancellationToken);
}
