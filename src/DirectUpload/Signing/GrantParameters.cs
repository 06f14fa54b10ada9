using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DirectUpload.S3.Internal;

/// <summary>
/// The headers (PUT) or form fields (POST) of a grant, in the order they were added: one array sized by the signer, instead
/// of a hash table for the dozen entries a grant has (a <see cref="Dictionary{TKey, TValue}"/> took about a third of a grant's
/// allocations). Filled once by one signer, then read only.
/// </summary>
internal sealed class GrantParameters : IReadOnlyDictionary<string, string>
{
    private readonly KeyValuePair<string, string>[] _entries;
    private readonly StringComparer _comparer;
    private int _count;

    /// <param name="capacity">The most entries the signer adds.</param>
    /// <param name="comparer">How names compare (headers ignore case, form fields do not).</param>
    public GrantParameters(int capacity, StringComparer comparer)
    {
        _entries = new KeyValuePair<string, string>[capacity];
        _comparer = comparer;
    }

    public int Count => _count;

    public IEnumerable<string> Keys => _entries.Take(_count).Select(static e => e.Key);

    public IEnumerable<string> Values => _entries.Take(_count).Select(static e => e.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The grant has no '{key}'.");

    /// <summary>Gets the entry at <paramref name="index"/>, in the order added.</summary>
    public KeyValuePair<string, string> At(int index) => _entries[index];

    /// <summary>Adds a name that the caller knows is not there yet (the fixed names, and metadata, whose names are unique).</summary>
    public void Add(string name, string value) => _entries[_count++] = new(name, value);

    /// <summary>Adds a name, or replaces the value of an equal one where it stands (as a dictionary's indexer does).</summary>
    public void Set(string name, string value)
    {
        var index = IndexOf(name);
        if (index < 0)
        {
            Add(name, value);
        }
        else
        {
            _entries[index] = new(_entries[index].Key, value);
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var index = IndexOf(key);
        value = index < 0 ? null : _entries[index].Value;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _entries[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string name)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_comparer.Equals(_entries[i].Key, name))
            {
                return i;
            }
        }

        return -1;
    }
}
