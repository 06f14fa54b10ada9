using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>RFC 9457 problem details with a stable <c>code</c> member.</summary>
internal static class Problems
{
    public static int StatusOf(UploadRejectionReason reason) => reason switch
    {
        UploadRejectionReason.UnknownProfile => StatusCodes.Status404NotFound,
        UploadRejectionReason.ContentTypeNotAllowed => StatusCodes.Status415UnsupportedMediaType,
        UploadRejectionReason.TooLarge => StatusCodes.Status413PayloadTooLarge,
        UploadRejectionReason.OwnerRequired => StatusCodes.Status401Unauthorized,
        UploadRejectionReason.Forbidden => StatusCodes.Status403Forbidden,
        UploadRejectionReason.Expired => StatusCodes.Status403Forbidden,
        UploadRejectionReason.ObjectNotFound => StatusCodes.Status422UnprocessableEntity,
        UploadRejectionReason.SizeMismatch => StatusCodes.Status422UnprocessableEntity,
        UploadRejectionReason.ContentTypeMismatch => StatusCodes.Status422UnprocessableEntity,
        UploadRejectionReason.ChecksumMismatch => StatusCodes.Status422UnprocessableEntity,
        UploadRejectionReason.MetadataMismatch => StatusCodes.Status422UnprocessableEntity,
        UploadRejectionReason.ObjectExists => StatusCodes.Status409Conflict,
        UploadRejectionReason.CompletionInProgress => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    public static IResult From(UploadRejectedException e) => Create(StatusOf(e.Reason), e.Code, e.Message);

    public static IResult Create(int status, string code, string detail)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(status),
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
        };
        problem.Extensions["code"] = code;
        return Results.Problem(problem);
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "The upload request is invalid.",
        401 => "Authentication is required.",
        403 => "The upload is not allowed.",
        404 => "Not found.",
        413 => "Too large.",
        409 => "The object already exists, or is being completed elsewhere.",
        415 => "Unsupported media type.",
        422 => "The upload does not match its grant.",
        502 => "The storage service failed.",
        _ => "The request failed.",
    };
}
