namespace Berth.Core.IamPolicies;

/// <summary>Who signed the request; the aws:PrincipalType value is <see cref="RequestPrincipal.PrincipalTypeValue"/>.</summary>
public enum PrincipalType { Root, User, AssumedRole, Anonymous }
