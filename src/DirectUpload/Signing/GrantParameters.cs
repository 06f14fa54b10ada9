using System.Collections;
using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace DirectUpload.S3.Internal;

/// <summary>
/// The headers (PUT) or form fields (POST) of a grant, in the order they were added: one array sized by the signer, instead
/// of a hash table for the dozen entries a grant has (a <see cref="Dictionary{TKey, TValue}"/> took about a third of a grant's
/// allocations). Filled once by one signer, then read only. A value added as base64 bytes (<see cref="AddBase64"/>: the POST
/// policy, a kilobyte of it) becomes a string only when it is read as one; the grant endpoint writes the bytes, which JSON
/// needs no escape for.
/// </summary>
internal sealed class GrantParameters : IReadOnlyDictionary<string, string>
{
    private readonly KeyValuePair<string, string>[] _entries;
    private readonly StringComparer _comparer;
    private byte[]?[]? _base64;
    private string?[]? _text;
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

    public IEnumerable<string> Values => Enumerable.Range(0, _count).Select(i => At(i).Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The grant has no '{key}'.");

    /// <summary>Gets the entry at <paramref name="index"/>, in the order added.</summary>
    public KeyValuePair<string, string> At(int index)
    {
        var entry = _entries[index];
        return entry.Value is null ? new(entry.Key, TextAt(index)) : entry;
    }

    /// <summary>Gets the name of the entry at <paramref name="index"/>.</summary>
    public string NameAt(int index) => _entries[index].Key;

    /// <summary>Adds a name that the caller knows is not there yet (the fixed names, and metadata, whose names are unique).</summary>
    public void Add(string name, string value) => _entries[_count++] = new(name, value);

    /// <summary>
    /// Adds, as <see cref="Add"/>, a value given as base64 text in ASCII bytes (<c>A–Z a–z 0–9 + / =</c>, as
    /// <see cref="System.Buffers.Text.Base64.EncodeToUtf8"/> writes it), which this instance owns from now on.
    /// </summary>
    public void AddBase64(string name, byte[] value)
    {
        Debug.Assert(Base64.IsValid(value), "AddBase64 is given base64 text only.");
        (_base64 ??= new byte[]?[_entries.Length])[_count] = value;
        _entries[_count++] = new(name, null!);
    }

    /// <summary>Gets the base64 bytes of a value added by <see cref="AddBase64"/>.</summary>
    public bool TryGetBase64(int index, out ReadOnlySpan<byte> value)
    {
        if (_base64?[index] is { } base64)
        {
            value = base64;
            return true;
        }

        value = default;
        return false;
    }

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
            if (_base64 is not null)
            {
                _base64[index] = null;
            }
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var index = IndexOf(key);
        value = index < 0 ? null : At(index).Value;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return At(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The text of a value added as base64 bytes, made once (readers on several threads may race to make it: same text).</summary>
    private string TextAt(int index)
    {
        var texts = _text ?? Interlocked.CompareExchange(ref _text, new string?[_entries.Length], null) ?? _text;
        return Volatile.Read(ref texts[index]) ?? Interlocked.CompareExchange(ref texts[index], Encoding.ASCII.GetString(_base64![index]!), null) ?? texts[index]!;
    }

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
