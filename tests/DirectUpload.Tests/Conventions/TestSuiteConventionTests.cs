using System.Text.RegularExpressions;

namespace DirectUpload.Tests.Conventions;

/// <summary>Rules of the test projects themselves (issue 9): one naming style, and one copy of each helper.</summary>
public partial class TestSuiteConventionTests
{
    // each project's own sample data (different members in each), not one helper copied
    private static readonly HashSet<string> PerProject = new(StringComparer.Ordinal) { "TestData" };

    [Fact]
    public void TestMethods_InEveryTestProject_AreNamedMemberScenarioExpected()
    {
        var offenders = new List<string>();
        foreach (var file in TestSources())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!TestAttribute().IsMatch(lines[i]))
                {
                    continue;
                }

                // the method is declared on one of the next lines (after more attributes)
                var declaration = lines.Skip(i + 1).Take(20).Select(l => MethodDeclaration().Match(l)).FirstOrDefault(m => m.Success);
                if (declaration is not null && !PascalSegments().IsMatch(declaration.Groups[1].Value))
                {
                    offenders.Add($"{Path.GetRelativePath(RepositoryPaths.Root, file)}:{i + 2}: {declaration.Groups[1].Value}");
                }
            }
        }

        offenders.Should().BeEmpty("test methods are Member_Scenario_Expected in PascalCase (README, 'Test layout')");
    }

    [Fact]
    public void TopLevelHelperTypes_AreDeclaredInOneFileOnly()
    {
        var declared = TestSources()
            .SelectMany(file => File.ReadAllLines(file)
                .Select(line => TopLevelType().Match(line))
                .Where(m => m.Success && !m.Groups[1].Value.EndsWith("Tests", StringComparison.Ordinal) && !PerProject.Contains(m.Groups[1].Value))
                .Select(m => (Type: m.Groups[1].Value, File: Path.GetRelativePath(RepositoryPaths.Root, file))))
            .GroupBy(d => d.Type, StringComparer.Ordinal)
            .Where(g => g.Select(d => d.File).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.File))}");

        declared.Should().BeEmpty("a helper used by several test projects lives once in tests/Shared and is linked into them");
    }

    [Fact]
    public void Scanners_FindTheTestsAndTheSharedHelpers()
    {
        var sources = TestSources().Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/')).ToList();

        sources.Should().Contain("tests/Shared/FakeTimeProvider.cs")
            .And.Contain("tests/DirectUpload.IntegrationTests/DotnetClient/DirectUploadClientTests.cs")
            .And.NotContain(f => f.Contains("/obj/", StringComparison.Ordinal) || f.Contains("/bin/", StringComparison.Ordinal));
        PascalSegments().IsMatch("IssueAsync_ContentTypeNotAllowed_Throws").Should().BeTrue();
        PascalSegments().IsMatch("Expired_put_grant_is_refused").Should().BeFalse();
        PascalSegments().IsMatch("IssuesTheGrant").Should().BeFalse("a name without a scenario or an expectation");
    }

    private static IEnumerable<string> TestSources()
    {
        var root = RepositoryPaths.Combine("tests");
        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal)
                && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal)
                && !f.Contains($"{separator}node_modules{separator}", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s*\[(Fact|Theory)\b")]
    private static partial Regex TestAttribute();

    [GeneratedRegex(@"^\s*public\s+(?:async\s+)?(?:Task|void|ValueTask)\s+([A-Za-z0-9_]+)\s*\(")]
    private static partial Regex MethodDeclaration();

    // two or three PascalCase segments, e.g. Member_Expected or Member_Scenario_Expected
    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(_[A-Z0-9][A-Za-z0-9]*){1,3}$")]
    private static partial Regex PascalSegments();

    // a type declared at file level (no indentation), public or internal
    [GeneratedRegex(@"^(?:public|internal)\s+(?:(?:sealed|static|abstract|partial|readonly|record)\s+)*(?:class|record|struct|interface|enum)\s+([A-Za-z0-9_]+)")]
    private static partial Regex TopLevelType();
}
