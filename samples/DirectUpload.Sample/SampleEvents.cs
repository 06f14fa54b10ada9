using DirectUpload.AspNetCore;

namespace DirectUpload.Sample;

/// <summary>
/// The store's events drive the album: RGW (or S3 → SNS) pushes to <c>POST /uploads/events?secret=…</c>, DirectUpload
/// confirms the upload (the catalog row) and runs <see cref="PhotoThumbnailProcessor"/>. eng/run-sample.sh points RGW's
/// persistent topic at it with eng/rgw/notify-setup.sh.
/// </summary>
public static class SampleEvents
{
    /// <summary>Registers the processing hooks (the thumbnail processor).</summary>
    public static IServiceCollection AddSampleProcessing(this IServiceCollection services)
    {
        services.AddSingleton<IUploadProcessor, PhotoThumbnailProcessor>();
        return services;
    }

    /// <summary>
    /// Maps the events endpoint when <c>Sample:EventsSecret</c> (environment <c>Sample__EventsSecret</c>) is set; without a
    /// secret the album still works through the browser's confirm, just without thumbnails.
    /// </summary>
    public static WebApplication MapSampleEvents(this WebApplication app)
    {
        var secret = app.Configuration["Sample:EventsSecret"];
        if (string.IsNullOrEmpty(secret))
        {
            SampleLog.EventsDisabled(app.Logger);
            return app;
        }

        app.MapDirectUploadEvents("/uploads/events", o => o.Secret = secret);
        SampleLog.EventsEnabled(app.Logger, "/uploads/events");
        return app;
    }

    /// <summary>Whether the store's events reach this app (the album then skips the confirm call and waits for the event).</summary>
    public static bool EventsEnabled(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["Sample:EventsSecret"]);
}
