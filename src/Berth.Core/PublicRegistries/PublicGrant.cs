namespace Berth.Core.PublicRegistries;

/// <summary>What a Bearer token allows on one repository, named <c>&lt;alias&gt;/&lt;repository&gt;</c> as on /v2/.</summary>
public sealed record PublicGrant(string Name, bool Pull, bool Push);
