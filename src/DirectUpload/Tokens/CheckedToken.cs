namespace DirectUpload.Internal;

/// <summary>A token that passed every check, with the profile it names.</summary>
internal sealed record CheckedToken(UploadTicket Ticket, ResolvedProfile Profile)
{
    public string Bucket => Profile.Bucket;
}
