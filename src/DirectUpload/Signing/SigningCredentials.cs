namespace DirectUpload.S3.Internal;

/// <summary>The access key, secret and optional session token a grant is signed with. Never logged.</summary>
internal sealed record SigningCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"SigningCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = {(SessionToken is null ? "none" : "***")} }}";
}
