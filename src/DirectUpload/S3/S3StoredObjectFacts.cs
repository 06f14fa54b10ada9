using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>Reads the storage-neutral <see cref="StoredObjectFacts"/> from an S3 HEAD response.</summary>
internal static class S3StoredObjectFacts
{
    private const string MetaPrefix = "x-amz-meta-";

    public static StoredObjectFacts FromHead(GetObjectMetadataResponse head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var metadata = new List<KeyValuePair<string, string>>(head.Metadata.Count);
        foreach (var name in head.Metadata.Keys)
        {
            var shortName = name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase) ? name[MetaPrefix.Length..] : name;
            metadata.Add(new(shortName, head.Metadata[name] ?? string.Empty));
        }

        return new StoredObjectFacts
        {
            Size = head.ContentLength,
            ContentType = head.Headers.ContentType,
            ETag = head.ETag,
            Metadata = metadata,
            ContentEncoding = head.Headers.ContentEncoding,
            ContentDisposition = head.Headers.ContentDisposition,
            CacheControl = head.Headers.CacheControl,
            ContentLanguage = head.Headers.ContentLanguage,
            Expires = head.Headers.Expires?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? head.ExpiresString,
            WebsiteRedirectLocation = head.WebsiteRedirectLocation,
            ServerSideEncryption = head.ServerSideEncryptionMethod?.Value,
            StorageClass = head.StorageClass?.Value,
            TagCount = head.TagsCount ?? 0,
        };
    }

    /// <summary>HEADs an object: its metadata, or <see langword="null"/> when the store has no object under the key (404).</summary>
    public static async Task<GetObjectMetadataResponse?> HeadAsync(IAmazonS3 client, string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes an object that failed <see cref="StoredObjectCheck"/> when the profile says so, and logs the mismatch.
    /// Only a key under the profile's prefix is ever deleted (the token guard checked it; checked again here).
    /// </summary>
    /// <returns>Whether the object was deleted.</returns>
    public static async Task<bool> DeleteRefusedAsync(IAmazonS3 client, CheckedToken token, ILogger logger, StoredObjectMismatch mismatch, CancellationToken cancellationToken)
    {
        var profile = token.Profile.Options;
        var deleted = profile.DeleteInvalidUploads && ObjectKeys.IsValidKey(token.Ticket.Key, profile.KeyPrefix, out _);
        if (deleted)
        {
            await client.DeleteObjectAsync(token.Bucket, token.Ticket.Key, cancellationToken).ConfigureAwait(false);
        }

        Log.StoredObjectMismatch(logger, token.Profile.Name, mismatch.Field, mismatch.Detail, deleted);
        return deleted;
    }
}
