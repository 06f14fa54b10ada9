using DirectUpload;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Sample;

/// <summary>The Uppy page (/uppy.html): an unmodified Uppy Dashboard uploading multipart through DirectUpload's Companion routes.</summary>
internal static class UppyDemo
{
    /// <summary>The profile the Uppy page uploads with.</summary>
    public const string Profile = "videos";

    /// <summary>The POST profile of the small files Uppy sends in one request.</summary>
    public const string SingleProfile = "clips";

    private const long MiB = 1024 * 1024;

    /// <summary>videos: multipart, video/* only, ≤ 1 GiB, per signed-in user (videos/users/{user}/…).</summary>
    public static IDirectUploadBuilder AddUppyVideosProfile(this IDirectUploadBuilder builder) =>
        builder.AddProfile(Profile, p =>
        {
            p.Method = UploadMethod.Multipart;
            p.KeyPrefix = "videos/";
            p.AllowedContentTypes.Add("video/*");
            p.MaxSizeBytes = 1024 * MiB;
            p.ScopeToOwner = true;
            p.KeepFileName = true;
        })
        // clips: what Uppy sends in one request (files of 5 MiB or less) needs a POST policy (GET /uppy/videos/s3/params)
        .AddS3PresignedPost(SingleProfile, p =>
        {
            p.KeyPrefix = "videos/";
            p.AllowedContentTypes.Add("video/*");
            p.MaxSizeBytes = 5 * MiB;
            p.ScopeToOwner = true;
            p.KeepFileName = true;
        });

    /// <summary>Uppy's <c>companionEndpoint: '/uppy/videos'</c>: the S3 routes under /uppy/videos/s3.</summary>
    public static void MapUppyDemo(this WebApplication app) => app.MapUppyCompanion("/uppy/" + Profile, Profile, o => o.SingleUploadProfile = SingleProfile);
}
