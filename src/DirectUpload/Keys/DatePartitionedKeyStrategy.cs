using System.Globalization;

namespace DirectUpload;

/// <summary>Puts another strategy's key under the UTC date of the grant: <c>yyyy/MM/dd/{inner}</c>.</summary>
public sealed class DatePartitionedKeyStrategy : IObjectKeyStrategy
{
    private readonly IObjectKeyStrategy _inner;

    /// <summary>Initializes a new instance of the <see cref="DatePartitionedKeyStrategy"/> class.</summary>
    /// <param name="inner">The strategy that names the object inside the date folder.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    public DatePartitionedKeyStrategy(IObjectKeyStrategy inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public string CreateKey(in ObjectKeyArguments args) =>
        string.Concat(args.Timestamp.UtcDateTime.ToString("yyyy'/'MM'/'dd'/'", CultureInfo.InvariantCulture), _inner.CreateKey(args));
}
