namespace Berth.Core.IamPolicies;

/// <summary>
/// How a resource policy's Principal named the caller: not at all, through its account only
/// (<c>"AWS": "111122223333"</c> or the account's root ARN, which hands the decision to that account's identity
/// policies), or directly (its ARN, its role's ARN, or <c>*</c>).
/// </summary>
internal enum PrincipalMatch { None, Account, Principal }
