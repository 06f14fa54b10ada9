using System.Text;

namespace DirectUpload.Tests.TestUtilities;

/// <summary>Generates hostile file names and owner ids from a seeded <see cref="Random"/>.</summary>
public static class HostileInputs
{
    private static readonly string[] Templates =
    [
        "../../etc/passwd", "..\\..\\windows\\system32\\config\\sam", "/etc/shadow", "C:\\x\\y.txt", "\\\\server\\share\\f.doc",
        "..", ".", "./.", "...", "....//....//x", "a/../../b", "%2e%2e%2f%2e%2e%2fx.png", "..%c0%af..%c0%afx", "~/.ssh/id_rsa",
        "Holiday Photo.JPG", "résumé.pdf", "日本語.txt", "😀🎉.gif", "photo.jpg\u202Egpj.exe", "CON", "nul.txt", "x:stream",
        "name\u0000.jpg", "line\nbreak.png", "tab\t.png", "\u2028sep.png", "\uD800lone.png", "lone\uDC00.png", "end\uD83D",
        "\uFEFFbom.png", "zero\u200Bwidth.png", "full\uFF0Fwidth.png", "division\u2215slash.png", " ", "\t", "",
    ];

    // valid UTF-16 without control characters: what a key may end up containing
    private static readonly string[] Pieces =
    [
        "a", "Z", "0", "9", ".", "..", "/", "\\", "-", "_", " ", "%", "+", "~", "=", "&", "?", "#", ";", ":", "*", "\"", "<", ">", "|",
        "é", "e\u0301", "ß", "Ǆ", "İ", "ﬁ", "日本", "語", "Ω", "\u0627\u0644", "😀", "👩‍👩‍👧", "\u202E", "\u202D", "\u200F", "\u200B", "\uFEFF",
        "\uFF0F", "\u2215", "\u0301", "\uFFFD", ".jpg", ".PNG", ".tar.gz", ".exe", ".", "/..", "../",
    ];

    // what must be refused: control characters, separators, invalid UTF-16
    private static readonly string[] Invalid =
    [
        "\u0000", "\n", "\r", "\t", "\u007F", "\u0085", "\u2028", "\u2029", "\uD800", "\uDC00", "\uDBFF",
    ];

    public static string FileName(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                return Templates[random.Next(Templates.Length)];
            case 1:
                // very long: around and above every length limit
                return new string(Pieces[random.Next(Pieces.Length)][0], random.Next(90, 1100)) + Pieces[random.Next(Pieces.Length)];
            case 2:
                return Templates[random.Next(Templates.Length)] + Compose(random, random.Next(1, 6)) + Templates[random.Next(Templates.Length)];
            default:
                return Compose(random, random.Next(0, 40));
        }
    }

    public static string? Owner(Random random) => random.Next(12) switch
    {
        0 => null,
        1 => string.Empty,
        2 => new[] { ".", "..", "a/b", "a_b", "a|b", "_2F", "users", "../x", " ", "\uFFFD", "a\uD800", "\u202Eevil" }[random.Next(12)],
        3 => new string('o', random.Next(250, 262)),
        4 => string.Concat(Enumerable.Repeat("😀", random.Next(60, 130))),
        _ => Compose(random, random.Next(1, 12)),
    };

    private static string Compose(Random random, int count)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(random.Next(60) == 0 ? Invalid[random.Next(Invalid.Length)] : Pieces[random.Next(Pieces.Length)]);
        }

        return builder.ToString();
    }
}
