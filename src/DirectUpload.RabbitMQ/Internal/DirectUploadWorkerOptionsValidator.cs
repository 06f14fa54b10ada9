using Microsoft.Extensions.Options;

namespace DirectUpload.RabbitMQ.Internal;

/// <summary>The single-field rules of <see cref="DirectUploadWorkerOptions"/> (DataAnnotations, generated).</summary>
[OptionsValidator]
internal sealed partial class DirectUploadWorkerOptionsValidator : IValidateOptions<DirectUploadWorkerOptions>
{
}

/// <summary>The cross-field rules of <see cref="DirectUploadWorkerOptions"/>.</summary>
internal sealed class DirectUploadWorkerOptionsCrossValidator : IValidateOptions<DirectUploadWorkerOptions>
{
    // AMQP short strings: at most 255 bytes; keep names to a safe character set (they also name the retry queues)
    private const int MaxNameLength = 200;

    public ValidateOptionsResult Validate(string? name, DirectUploadWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ConnectionUri is { } uri)
        {
            if (!uri.IsAbsoluteUri || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
            {
                failures.Add($"DirectUploadWorkerOptions.ConnectionUri must be an absolute amqp:// or amqps:// URI (scheme was '{(uri.IsAbsoluteUri ? uri.Scheme : "relative")}').");
            }
        }

        CheckName(failures, nameof(DirectUploadWorkerOptions.ExchangeName), options.ExchangeName, allowWildcards: false);
        CheckName(failures, nameof(DirectUploadWorkerOptions.QueueName), options.QueueName, allowWildcards: false);
        CheckName(failures, nameof(DirectUploadWorkerOptions.RoutingKey), options.RoutingKey, allowWildcards: true);
        if (options.ExchangeName.StartsWith("amq.", StringComparison.Ordinal))
        {
            failures.Add($"DirectUploadWorkerOptions.ExchangeName '{options.ExchangeName}' is reserved by the broker (amq.*).");
        }

        if (options.MaxConcurrency > options.PrefetchCount)
        {
            failures.Add($"DirectUploadWorkerOptions.MaxConcurrency ({options.MaxConcurrency}) must not exceed PrefetchCount ({options.PrefetchCount}).");
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay)
        {
            failures.Add($"DirectUploadWorkerOptions.MaxRetryDelay ({options.MaxRetryDelay}) must not be below InitialRetryDelay ({options.InitialRetryDelay}).");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionName) || options.ConnectionName.Length > MaxNameLength)
        {
            failures.Add($"DirectUploadWorkerOptions.ConnectionName must be 1 to {MaxNameLength} characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckName(List<string> failures, string member, string? value, bool allowWildcards)
    {
        if (string.IsNullOrEmpty(value))
        {
            return; // [Required] reports it
        }

        if (value.Length > MaxNameLength)
        {
            failures.Add($"DirectUploadWorkerOptions.{member} is {value.Length} characters long; at most {MaxNameLength} are allowed.");
            return;
        }

        foreach (var c in value)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' || (allowWildcards && c is '#' or '*');
            if (!ok)
            {
                failures.Add($"DirectUploadWorkerOptions.{member} '{value}' may contain only ASCII letters, digits, '.', '_' and '-'{(allowWildcards ? " (and '#', '*')" : string.Empty)}.");
                return;
            }
        }
    }
}
