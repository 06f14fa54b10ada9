using System.Reflection;
using System.Text.RegularExpressions;

namespace DirectUpload.Client.Tests.Documentation;

/// <summary>
/// docs/client-defaults.md is the one table of the defaults and error codes both clients share: the .NET client's
/// options and codes, and the browser module's exported DEFAULTS and ERROR_CODES, must be exactly what it says.
/// </summary>
public sealed partial class ClientDefaultsTests
{
    private static readonly string Root = RepositoryPaths.Root;

    [Fact]
    public void DotnetDefaults_AreTheTables()
    {
        var upload = new UploadOptions();
        var client = new DirectUploadClientOptions();
        foreach (var (_, dotnetName, value) in DefaultsTable())
        {
            var actual = dotnetName switch
            {
                "DirectUploadClientOptions.BasePath" => client.BasePath,
                _ => Value(typeof(UploadOptions).GetProperty(dotnetName["UploadOptions.".Length..])!.GetValue(upload)!),
            };
            actual.Should().Be(value, $"{dotnetName} is {value} in docs/client-defaults.md");
        }
    }

    [Fact]
    public void BrowserDefaults_AreTheTables()
    {
        var defaults = JsObject("DEFAULTS");
        defaults.Keys.Should().BeEquivalentTo(DefaultsTable().Select(d => d.Browser), "every exported default is in the table and back");
        foreach (var (browserName, _, value) in DefaultsTable())
        {
            defaults[browserName].Should().Be(value, $"DEFAULTS.{browserName} is {value} in docs/client-defaults.md");
        }
    }

    [Fact]
    public void ErrorCodesOfBothClients_AreTheTables()
    {
        var table = CodesTable();
        var dotnet = typeof(DirectUploadErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Select(Normalize);
        var browser = JsObject("ERROR_CODES").Values.Select(Normalize);

        dotnet.Should().BeEquivalentTo(table.Where(c => c.Dotnet).Select(c => c.Code), "DirectUploadErrorCodes = the .NET column");
        browser.Should().BeEquivalentTo(table.Where(c => c.Browser).Select(c => c.Code), "ERROR_CODES of directupload.js = the browser column");
    }

    [Fact]
    public void BrowserModule_UsesOnlyCodesOfTheTable()
    {
        var source = File.ReadAllText(ModulePath);
        var literals = CodeLiteral().Matches(source).Select(m => m.Groups[1].Value).ToHashSet();
        literals.Should().BeSubsetOf(CodesTable().Where(c => c.Browser).Select(c => c.Code), "every `code: '…'` the module throws is a documented code");
    }

    private static string Normalize(string code) => code == "storage_error:" ? "storage_error:{S3 code}" : code;

    private static string ModulePath => Path.Combine(Root, "src", "directupload-js", "directupload.js");

    private static string Value(object value) => value switch
    {
        TimeSpan t => ((long)t.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    /// <summary>An exported <c>Object.freeze({ name: value, … })</c> of the module, values as written (numbers evaluated).</summary>
    private static Dictionary<string, string> JsObject(string name)
    {
        var source = File.ReadAllText(ModulePath);
        var match = Regex.Match(source, $@"export const {name} = Object\.freeze\(\{{(?<body>[^}}]*)\}}\);", RegexOptions.Singleline);
        match.Success.Should().BeTrue($"directupload.js exports {name}");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match entry in JsEntry().Matches(match.Groups["body"].Value))
        {
            var raw = entry.Groups["value"].Value.Trim();
            result[entry.Groups["key"].Value] = raw.StartsWith('\'') ? raw.Trim('\'') : EvaluateNumber(raw);
        }

        return result;
    }

    /// <summary>Numbers as the module writes them: <c>30_000</c>, <c>100 * MiB</c>.</summary>
    private static string EvaluateNumber(string raw)
    {
        long product = 1;
        foreach (var factor in raw.Replace("_", string.Empty, StringComparison.Ordinal).Split('*', StringSplitOptions.TrimEntries))
        {
            product *= factor == "MiB" ? 1024 * 1024 : long.Parse(factor, System.Globalization.CultureInfo.InvariantCulture);
        }

        return product.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<(string Browser, string Dotnet, string Value)> DefaultsTable() =>
        TableRows("## Defaults").Select(c => (Unquote(c[1]), Unquote(c[2]), Unquote(c[3]))).ToList();

    private static List<(string Code, bool Browser, bool Dotnet)> CodesTable() =>
        TableRows("## Error codes").Select(c => (Unquote(c[0]), c[1] == "yes", c[2] == "yes")).ToList();

    private static string Unquote(string cell) => cell.Trim().Trim('`');

    /// <summary>The body rows of the first table after <paramref name="heading"/>, as cells.</summary>
    private static List<string[]> TableRows(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docs", "client-defaults.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith(heading, StringComparison.Ordinal));
        start.Should().BeGreaterThanOrEqualTo(0, $"docs/client-defaults.md has '{heading}'");
        var rows = lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        rows.Should().NotBeEmpty();
        return rows;
    }

    [GeneratedRegex(@"(?<key>[A-Za-z]+):\s*(?<value>'[^']*'|[0-9_ *A-Za-z]+)\s*,")]
    private static partial Regex JsEntry();

    [GeneratedRegex(@"code: '([a-z_:]+)'")]
    private static partial Regex CodeLiteral();
}
