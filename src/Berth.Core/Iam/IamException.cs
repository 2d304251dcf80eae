namespace Berth.Core.Iam;

/// <summary>
/// An IAM or STS error as the Query protocol reports it: <see cref="Code"/> (NoSuchEntity, DeleteConflict, …), the
/// HTTP status of the model's error shape, and IAM's message. <see cref="IsSender"/> gives the Type (Sender/Receiver).
/// </summary>
public sealed class IamException(string code, int httpStatus, string message) : Exception(message)
{
    public string Code => code;

    public int HttpStatus => httpStatus;

    public bool IsSender => httpStatus < 500;

    public static IamException NoSuchEntity(string message) => new("NoSuchEntity", 404, message);

    public static IamException AlreadyExists(string message) => new("EntityAlreadyExists", 409, message);

    public static IamException DeleteConflict(string message) => new("DeleteConflict", 409, message);

    public static IamException LimitExceeded(string message) => new("LimitExceeded", 409, message);

    public static IamException MalformedPolicyDocument(string message) => new("MalformedPolicyDocument", 400, message);

    public static IamException InvalidInput(string message) => new("InvalidInput", 400, message);

    public static IamException Validation(string message) => new("ValidationError", 400, message);

    public static IamException AccessDenied(string message) => new("AccessDenied", 403, message);

    /// <summary>"The user with name bob cannot be found." (and group, role).</summary>
    public static IamException NoSuchEntity(IamEntityKind kind, string name) =>
        NoSuchEntity($"The {IamEntity.KindWord(kind)} with name {name} cannot be found.");
}
