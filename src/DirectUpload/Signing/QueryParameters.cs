using System.Buffers;

namespace DirectUpload.S3.Internal;

/// <summary>The extra query parameters, URI-encoded and sorted by (name, value).</summary>
internal readonly struct QueryParameters : IDisposable
{
    private readonly QueryParameter[]? _parameters;

    private QueryParameters(QueryParameter[]? parameters, int count)
    {
        _parameters = parameters;
        Count = count;
    }

    public int Count { get; }

    public QueryParameter this[int index] => _parameters![index];

    public static QueryParameters Create(IEnumerable<KeyValuePair<string, string>>? query)
    {
        if (query is null)
        {
            return default;
        }

        var list = query as IReadOnlyCollection<KeyValuePair<string, string>> ?? query.ToList();
        var array = ArrayPool<QueryParameter>.Shared.Rent(Math.Max(list.Count, 1));
        var count = 0;
        foreach (var (name, value) in list)
        {
            array[count++] = new QueryParameter(SigV4.UriEncode(name, encodeSlash: true), SigV4.UriEncode(value, encodeSlash: true));
        }

        array.AsSpan(0, count).Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return new QueryParameters(array, count);
    }

    public void Dispose()
    {
        if (_parameters is not null)
        {
            _parameters.AsSpan(0, Count).Clear();
            ArrayPool<QueryParameter>.Shared.Return(_parameters);
        }
    }
}

internal readonly record struct QueryParameter(string Name, string Value);
