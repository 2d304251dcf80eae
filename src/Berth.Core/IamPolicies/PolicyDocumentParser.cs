namespace Berth.Core.IamPolicies;

/// <summary>
/// Validates a policy in the order IAM does, so that a document with several faults gets the same first error:
/// syntax, Principal for the kind, version, legacy parsing, statement ids, actions, resources, resource formats,
/// vendors, principals. Then compiles it.
/// </summary>
internal static class PolicyDocumentParser
{
    public static PolicyDocument Parse(string json, PolicyDocumentKind kind, bool requireCurrentVersion)
    {
        ArgumentNullException.ThrowIfNull(json);
        var (version, id, statements) = PolicyDocumentSyntax.Read(json);

        if (kind == PolicyDocumentKind.Identity && statements.Any(s => s.HasPrincipal))
        {
            throw new MalformedPolicyDocumentException(PolicyErrors.ShouldNotSpecifyPrincipal);
        }

        if (kind == PolicyDocumentKind.Resource && statements.Any(s => !s.HasPrincipal))
        {
            throw new MalformedPolicyDocumentException(PolicyErrors.MissingPrincipal);
        }

        if (requireCurrentVersion && version != PolicyDocument.CurrentVersion)
        {
            throw new MalformedPolicyDocumentException(PolicyErrors.VersionTooOld);
        }

        var resourceError = CheckLegacyParsing(statements);
        CheckStatementIds(statements, kind);
        Require(statements.All(s => s.Actions is { Count: > 0 }), PolicyErrors.MissingActions);
        Require(kind == PolicyDocumentKind.Resource || statements.All(s => s.Resources is { Count: > 0 }), PolicyErrors.MissingResources);
        Require(statements.All(s => s.Resources is null || s.Resources.Count > 0), PolicyErrors.MissingResources);
        if (resourceError is not null)
        {
            throw new MalformedPolicyDocumentException(resourceError);
        }

        foreach (var statement in statements)
        {
            foreach (var action in statement.Actions!)
            {
                CheckVendor(action);
            }

            foreach (var condition in statement.Conditions)
            {
                Require(condition.Key.Contains(':', StringComparison.Ordinal), PolicyErrors.MissingVendor);
            }
        }

        var variables = version == PolicyDocument.CurrentVersion;
        var compiled = statements.Select(s => Compile(s, variables)).ToList();
        return new PolicyDocument(version, id, kind, compiled, json.Length);
    }

    /// <summary>Throws IAM's legacy-parsing error; returns the first resource format error, which IAM reports later.</summary>
    private static string? CheckLegacyParsing(List<RawStatement> statements)
    {
        string? resourceError = null;
        foreach (var statement in statements)
        {
            Require(statement.Effect is "Allow" or "Deny", PolicyErrors.LegacyParsing);
            foreach (var condition in statement.Conditions)
            {
                if (condition.Parsed!.Kind is >= ConditionOperatorKind.DateEquals and <= ConditionOperatorKind.DateGreaterThanEquals)
                {
                    Require(condition.Values.All(v => PolicyDates.TryParse(v) is not null), PolicyErrors.LegacyParsing);
                }
            }

            if (statement.Resources is null)
            {
                continue;
            }

            var statementError = statement.Resources.Select(ResourceFormat.Check).FirstOrDefault(e => e is not null);
            resourceError ??= statementError;
            if (statementError is null)
            {
                Require(statement.Resources.All(ResourceFormat.PassesLegacyParsing), PolicyErrors.LegacyParsing);
            }
        }

        return resourceError;
    }

    private static void CheckStatementIds(List<RawStatement> statements, PolicyDocumentKind kind)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sid in statements.Select(s => s.Sid).Where(s => !string.IsNullOrEmpty(s)))
        {
            Require(seen.Add(sid!), PolicyErrors.DuplicateSid);
        }

        if (kind == PolicyDocumentKind.Identity)
        {
            Require(seen.All(sid => sid.All(char.IsAsciiLetterOrDigit)), PolicyErrors.SidNotAlphanumeric);
        }
    }

    private static void CheckVendor(string action)
    {
        if (action == "*")
        {
            return;
        }

        var parts = action.Split(':');
        Require(parts.Length > 1, PolicyErrors.MissingVendor);
        Require(parts.Length == 2, PolicyErrors.TooManyColons);
        var vendor = parts[0];
        Require(vendor == "*" || vendor.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'), PolicyErrors.InvalidVendor(vendor));
    }

    private static PolicyStatement Compile(RawStatement raw, bool variables)
    {
        PolicyPrincipals? principals = raw.HasPrincipal ? PolicyPrincipals.Create(raw.PrincipalStar, raw.Principals) : null;
        return new PolicyStatement(
            raw.Sid,
            raw.Effect == "Allow" ? PolicyEffect.Allow : PolicyEffect.Deny,
            [.. raw.Actions!.Select(a => new ActionPattern(a))],
            raw.NotAction,
            raw.Resources is null ? null : [.. raw.Resources.Select(r => ArnPattern.Parse(r, variables))],
            raw.NotResource,
            principals,
            raw.NotPrincipal,
            [.. raw.Conditions.Select(c => new ConditionClause(c.Parsed!, c.Key, c.Values, variables))]);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new MalformedPolicyDocumentException(message);
        }
    }
}
