namespace DirectUpload.Internal;

/// <summary>A strictly parsed media type.</summary>
/// <param name="MediaType">The lower-case <c>type/subtype</c>.</param>
/// <param name="Parameters">The parameters in order, names lower-case, values unquoted.</param>
/// <param name="Normalized">The normalized form that is signed, stored and compared.</param>
internal readonly record struct MediaTypeValue(string MediaType, IReadOnlyList<KeyValuePair<string, string>> Parameters, string Normalized);
