using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DirectUpload.Sample;

/// <summary>One confirmed upload, as the catalog stores it.</summary>
public sealed record UploadRecord(string Key, string Profile, string? Owner, long Size, string ContentType, string ETag, DateTimeOffset UploadedAt)
{
    /// <summary>Gets the image width in pixels, once the thumbnail processor ran.</summary>
    public int? Width { get; init; }

    /// <summary>Gets the image height in pixels, once the thumbnail processor ran.</summary>
    public int? Height { get; init; }

    /// <summary>Gets the key of the thumbnail, once the thumbnail processor ran.</summary>
    public string? ThumbnailKey { get; init; }

    /// <summary>The original file name: the part of the key's last segment after the random id (keys end "{id}-{name}").</summary>
    public string FileName
    {
        get
        {
            var last = Key[(Key.LastIndexOf('/') + 1)..];
            var dash = last.IndexOf('-');
            return dash > 0 && dash < last.Length - 1 ? last[(dash + 1)..] : last;
        }
    }
}

/// <summary>
/// The app's own record of what was uploaded, in SQLite. The bucket holds the bytes; this table holds what the app
/// knows about them (who, how big, what type, when), written only after DirectUpload confirmed the object in S3.
/// </summary>
public sealed class UploadCatalog
{
    private readonly string _connectionString;

    public UploadCatalog(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>Builds the catalog from a connection string; a relative <c>Data Source</c> is taken relative to <paramref name="baseDirectory"/>.</summary>
    public static UploadCatalog Create(string? connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString ?? "Data Source=App_Data/uploads.db");
        var dataSource = builder.DataSource;
        if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory && !Path.IsPathRooted(dataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(baseDirectory, dataSource));
        }

        if (builder.Mode != SqliteOpenMode.Memory && Path.GetDirectoryName(builder.DataSource) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return new UploadCatalog(builder.ToString());
    }

    public string DataSource => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    public void EnsureCreated()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        // BEGIN IMMEDIATE: the web host and the workers share the catalog and may start at the same moment; one at a
        // time checks and adds the columns (two ALTERs of the same column failed with "duplicate column name")
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS uploads (
                key          TEXT PRIMARY KEY,
                profile      TEXT NOT NULL,
                owner        TEXT NULL,
                size         INTEGER NOT NULL,
                content_type TEXT NOT NULL,
                etag         TEXT NOT NULL,
                uploaded_at  TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_uploads_profile_owner ON uploads (profile, owner, uploaded_at);
            """;
        command.ExecuteNonQuery();

        // columns the thumbnail processor fills (added to catalogs created before it existed)
        foreach (var (column, type) in new[] { ("width", "INTEGER"), ("height", "INTEGER"), ("thumbnail_key", "TEXT") })
        {
            using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT COUNT(*) FROM pragma_table_info('uploads') WHERE name = $name";
            check.Parameters.AddWithValue("$name", column);
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                using var alter = connection.CreateCommand();
                alter.Transaction = transaction;
                alter.CommandText = $"ALTER TABLE uploads ADD COLUMN {column} {type} NULL";
                alter.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>Records what the thumbnail processor found; idempotent. The row exists: processing runs after the completion hook.</summary>
    public async Task SetImageFactsAsync(string key, int width, int height, string thumbnailKey, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE uploads SET width = $width, height = $height, thumbnail_key = $thumb WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$width", width);
        command.Parameters.AddWithValue("$height", height);
        command.Parameters.AddWithValue("$thumb", thumbnailKey);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException("The upload is not in the catalog yet; the event will be delivered again.");
        }
    }

    /// <summary>Inserts or updates the row of a key. A retried confirmation updates the facts and keeps the first upload time.</summary>
    public async Task UpsertAsync(UploadedObject upload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO uploads (key, profile, owner, size, content_type, etag, uploaded_at)
            VALUES ($key, $profile, $owner, $size, $contentType, $etag, $uploadedAt)
            ON CONFLICT (key) DO UPDATE SET
                profile = excluded.profile, owner = excluded.owner, size = excluded.size,
                content_type = excluded.content_type, etag = excluded.etag;
            """;
        command.Parameters.AddWithValue("$key", upload.Key);
        // the profile name as the client spelled it in the URL (profiles are case-insensitive): store it in one spelling
        command.Parameters.AddWithValue("$profile", upload.Profile.ToLowerInvariant());
        command.Parameters.AddWithValue("$owner", (object?)upload.OwnerId ?? DBNull.Value);
        command.Parameters.AddWithValue("$size", upload.Size);
        command.Parameters.AddWithValue("$contentType", upload.ContentType);
        command.Parameters.AddWithValue("$etag", upload.ETag);
        command.Parameters.AddWithValue("$uploadedAt", now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The newest uploads of a profile; only <paramref name="owner"/>'s when given.</summary>
    public async Task<IReadOnlyList<UploadRecord>> ListAsync(string profile, string? owner, int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = owner is null
            ? "SELECT key, profile, owner, size, content_type, etag, uploaded_at, width, height, thumbnail_key FROM uploads WHERE profile = $profile ORDER BY uploaded_at DESC, key DESC LIMIT $limit"
            : "SELECT key, profile, owner, size, content_type, etag, uploaded_at, width, height, thumbnail_key FROM uploads WHERE profile = $profile AND owner = $owner ORDER BY uploaded_at DESC, key DESC LIMIT $limit";
        command.Parameters.AddWithValue("$profile", profile);
        command.Parameters.AddWithValue("$limit", limit);
        if (owner is not null)
        {
            command.Parameters.AddWithValue("$owner", owner);
        }

        var records = new List<UploadRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new UploadRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                reader.GetString(4),
                reader.GetString(5),
                DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            {
                Width = reader.IsDBNull(7) ? null : reader.GetInt32(7),
                Height = reader.IsDBNull(8) ? null : reader.GetInt32(8),
                ThumbnailKey = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return records;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

/// <summary>
/// DirectUpload's completion hook: called after an upload was confirmed (single PUT/POST) or a multipart upload
/// completed, with the facts checked against S3. Idempotent (upsert by key), as retried confirmations call it again.
/// </summary>
public sealed class CatalogUploadCompletedHandler : IUploadCompletedHandler
{
    private readonly UploadCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger<CatalogUploadCompletedHandler> _logger;

    public CatalogUploadCompletedHandler(UploadCatalog catalog, TimeProvider time, ILogger<CatalogUploadCompletedHandler> logger)
    {
        _catalog = catalog;
        _time = time;
        _logger = logger;
    }

    public async ValueTask OnUploadCompletedAsync(UploadedObject upload, CancellationToken cancellationToken)
    {
        await _catalog.UpsertAsync(upload, _time.GetUtcNow(), cancellationToken);
        SampleLog.Catalogued(_logger, upload.Profile, upload.Size, upload.ContentType);
    }
}
