namespace DirectUpload;

/// <summary>
/// Thrown when an upload request, token or confirmation is refused. Nothing is signed or stored for it.
/// </summary>
/// <remarks>
/// <see cref="Reason"/> is machine-readable and stable; <see cref="Exception.Message"/> is for humans and
/// names what was wrong without echoing secrets.
/// </remarks>
public class UploadRejectedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="UploadRejectedException"/> class.</summary>
    public UploadRejectedException()
        : this(UploadRejectionReason.InvalidToken, "The upload request was rejected.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UploadRejectedException"/> class.</summary>
    /// <param name="message">The message that describes the error.</param>
    public UploadRejectedException(string message)
        : this(UploadRejectionReason.InvalidToken, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UploadRejectedException"/> class.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public UploadRejectedException(string message, Exception? innerException)
        : this(UploadRejectionReason.InvalidToken, message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UploadRejectedException"/> class.</summary>
    /// <param name="reason">Why the request was refused.</param>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public UploadRejectedException(UploadRejectionReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets why the request was refused.</summary>
    public UploadRejectionReason Reason { get; }

    /// <summary>Gets the stable snake_case code of <see cref="Reason"/>, e.g. <c>content_type_not_allowed</c>.</summary>
    public string Code => UploadRejectionCodes.ToCode(Reason);
}
