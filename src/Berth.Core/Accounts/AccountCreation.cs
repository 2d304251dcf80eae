namespace Berth.Core.Accounts;

/// <summary>The outcome of creating an account: its root key, the secret included only when Berth generated it.</summary>
public sealed record AccountCreation(string AccountId, string AccessKeyId, string? GeneratedSecret);
