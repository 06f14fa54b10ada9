using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Moq;

namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>Set-ups of the <see cref="IAmazonS3"/> mock: what S3 answers.</summary>
public static class S3Replies
{
    public const string RequestId = "REQ-7f3a9c-internal";
    public const string StoreMessage = "We encountered an internal error at rack 42 of uploads-bucket. Please try again.";

    public static AmazonS3Exception NotFound(string code = "NotFound") =>
        new("The specified key does not exist.", ErrorType.Sender, code, RequestId, HttpStatusCode.NotFound);

    public static AmazonS3Exception InternalError() =>
        new(StoreMessage, ErrorType.Receiver, "InternalError", RequestId, HttpStatusCode.InternalServerError);

    public static void SetupHead(this Mock<IAmazonS3> s3, string key, long size, string contentType, string etag = "\"5d41402abc4b2a76b9719d911017c592\"") =>
        s3.Setup(c => c.GetObjectMetadataAsync(It.Is<GetObjectMetadataRequest>(r => r.BucketName == DirectUploadApp.Bucket && r.Key == key), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                var response = new GetObjectMetadataResponse { ETag = etag, ContentLength = size, HttpStatusCode = HttpStatusCode.OK };
                response.Headers.ContentType = contentType;
                return response;
            });

    /// <summary>
    /// The completion ledger's calls (marker listing and conditional marker writes) as on an empty ledger, every time:
    /// each confirmation then behaves as the first one, as these endpoint tests expect.
    /// </summary>
    public static void SetupLedger(this Mock<IAmazonS3> s3)
    {
        s3.Setup(c => c.ListObjectsV2Async(It.IsAny<ListObjectsV2Request>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new ListObjectsV2Response { S3Objects = [], HttpStatusCode = HttpStatusCode.OK });
        s3.Setup(c => c.PutObjectAsync(It.Is<PutObjectRequest>(r => r.Key.StartsWith(".directupload/", StringComparison.Ordinal)), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new PutObjectResponse { HttpStatusCode = HttpStatusCode.OK });
    }

    /// <summary>Verifies the completion ledger was consulted (so that <c>VerifyNoOtherCalls</c> then checks the rest).</summary>
    public static void VerifyLedger(this Mock<IAmazonS3> s3)
    {
        s3.Verify(c => c.ListObjectsV2Async(It.Is<ListObjectsV2Request>(r => r.Prefix.StartsWith(".directupload/", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.AtLeastOnce());
        s3.Verify(c => c.PutObjectAsync(It.Is<PutObjectRequest>(r => r.Key.StartsWith(".directupload/", StringComparison.Ordinal) && r.IfNoneMatch == "*"), It.IsAny<CancellationToken>()), Times.AtLeastOnce());
    }

    /// <summary>HEAD answers 404 first (the key is free before completion), then the completed object.</summary>
    public static void SetupHeadAfterComplete(this Mock<IAmazonS3> s3, string key, long size, string contentType, string etag = "\"5d41402abc4b2a76b9719d911017c592\"")
    {
        var response = new GetObjectMetadataResponse { ETag = etag, ContentLength = size, HttpStatusCode = HttpStatusCode.OK };
        response.Headers.ContentType = contentType;
        s3.SetupSequence(c => c.GetObjectMetadataAsync(It.Is<GetObjectMetadataRequest>(r => r.BucketName == DirectUploadApp.Bucket && r.Key == key), It.IsAny<CancellationToken>()))
            .ThrowsAsync(NotFound())
            .ReturnsAsync(response)
            .ReturnsAsync(response);
    }

    public static void SetupHeadThrows(this Mock<IAmazonS3> s3, Exception exception) =>
        s3.Setup(c => c.GetObjectMetadataAsync(It.IsAny<GetObjectMetadataRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(exception);

    public static void SetupDelete(this Mock<IAmazonS3> s3) =>
        s3.Setup(c => c.DeleteObjectAsync(DirectUploadApp.Bucket, It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DeleteObjectResponse { HttpStatusCode = HttpStatusCode.NoContent });

    public static void VerifyHead(this Mock<IAmazonS3> s3, string key, Times times) =>
        s3.Verify(c => c.GetObjectMetadataAsync(It.Is<GetObjectMetadataRequest>(r => r.BucketName == DirectUploadApp.Bucket && r.Key == key), It.IsAny<CancellationToken>()), times);

    public static void VerifyDelete(this Mock<IAmazonS3> s3, string key, Times times) =>
        s3.Verify(c => c.DeleteObjectAsync(DirectUploadApp.Bucket, key, It.IsAny<CancellationToken>()), times);

    public static void SetupInitiate(this Mock<IAmazonS3> s3, string uploadId) =>
        s3.Setup(c => c.InitiateMultipartUploadAsync(It.IsAny<InitiateMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((InitiateMultipartUploadRequest r, CancellationToken _) => new InitiateMultipartUploadResponse
            {
                BucketName = r.BucketName,
                Key = r.Key,
                UploadId = uploadId,
                HttpStatusCode = HttpStatusCode.OK,
            });

    /// <summary>ListParts answers with <paramref name="pages"/>, one page per call (marker = the page index).</summary>
    public static void SetupListParts(this Mock<IAmazonS3> s3, string uploadId, params PartDetail[][] pages) =>
        s3.Setup(c => c.ListPartsAsync(It.Is<ListPartsRequest>(r => r.UploadId == uploadId && r.BucketName == DirectUploadApp.Bucket), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ListPartsRequest r, CancellationToken _) =>
            {
                var index = string.IsNullOrEmpty(r.PartNumberMarker) ? 0 : int.Parse(r.PartNumberMarker, System.Globalization.CultureInfo.InvariantCulture);
                var last = index == pages.Length - 1;
                return new ListPartsResponse
                {
                    BucketName = r.BucketName,
                    Key = r.Key,
                    UploadId = r.UploadId,
                    Parts = pages[index].ToList(),
                    IsTruncated = !last,
                    NextPartNumberMarker = last ? null : index + 1,
                    HttpStatusCode = HttpStatusCode.OK,
                };
            });

    public static void SetupListPartsThrows(this Mock<IAmazonS3> s3, Exception exception) =>
        s3.Setup(c => c.ListPartsAsync(It.IsAny<ListPartsRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(exception);

    public static PartDetail Part(int number, long size, string etag) => new() { PartNumber = number, Size = size, ETag = etag };

    public static void SetupComplete(this Mock<IAmazonS3> s3, string etag) =>
        s3.Setup(c => c.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((CompleteMultipartUploadRequest r, CancellationToken _) => new CompleteMultipartUploadResponse
            {
                BucketName = r.BucketName,
                Key = r.Key,
                ETag = etag,
                HttpStatusCode = HttpStatusCode.OK,
            });

    public static void SetupAbort(this Mock<IAmazonS3> s3) =>
        s3.Setup(c => c.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AbortMultipartUploadResponse { HttpStatusCode = HttpStatusCode.NoContent });
}
