using System.Text;
using System.Xml.Linq;
using Berth.Core.Credentials;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Berth.Server.WebConsole;

/// <summary>
/// Data Protection's key ring for the console (session cookies, anti-forgery tokens) kept in the metadata store
/// (<see cref="IConsoleKeyStore"/>, table console_keys), each key element sealed under the master key as other
/// secrets are: every node on the same database reads the same keys, so a session made on one node is read on any
/// other, and the keys are never on disk in the clear. Data Protection calls this synchronously and rarely (when it
/// loads or refreshes the ring: at start, when a key is about to expire, and when a cookie names a key it does not
/// know — how a node learns a key another node created since), so the blocking wait on the store is acceptable here.
/// </summary>
internal sealed class ConsoleKeyRing(IConsoleKeyStore store, SecretProtector protector) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.ListAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()
            .Select(sealedElement => XElement.Parse(Encoding.UTF8.GetString(protector.Unprotect(sealedElement))))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("D") : friendlyName;
        var sealedElement = protector.Protect(Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)));
        store.AddAsync(name, sealedElement, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
}
