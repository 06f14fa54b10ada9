using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Conventions;

/// <summary>Rules of the code base that the compiler does not enforce, checked on the sources and on the built assembly.</summary>
public partial class ConventionTests
{
    private static readonly Assembly Library = typeof(IUploadPolicyIssuer).Assembly;

    [Fact]
    public void Sources_UnderSrc_NeverReadTheWallClock()
    {
        var offenders = new List<string>();
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = StripComment(lines[i]);
                if (WallClock().IsMatch(code))
                {
                    offenders.Add($"{Path.GetRelativePath(RepositoryPaths.Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        offenders.Should().BeEmpty("time comes from the injected TimeProvider, so every grant is reproducible in tests");
    }

    [Fact]
    public void Sources_UnderSrc_VerifyTokensOnlyThroughTheTokenGuard()
    {
        // issue 8: a validly signed token is re-checked against its profile in one place; a new entry point that called
        // ValidateToken itself would act on whatever key the token names
        var offenders = SourceFiles()
            .Where(f => !f.EndsWith(Path.Combine("Tokens", "TokenGuard.cs"), StringComparison.Ordinal)
                && !f.EndsWith(Path.Combine("Tokens", "UploadTokenService.cs"), StringComparison.Ordinal)
                && !f.EndsWith(Path.Combine("Tokens", "IUploadTokenService.cs"), StringComparison.Ordinal))
            .Where(f => File.ReadAllLines(f).Any(line => StripComment(line).Contains(".ValidateToken(", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f));

        offenders.Should().BeEmpty("every token-bearing call goes through TokenGuard.Check");
    }

    [Fact]
    public void Sources_UnderSrc_AreFound()
    {
        SourceFiles().Should().Contain(f => f.EndsWith(Path.Combine("Keys", "ObjectKeys.cs"), StringComparison.Ordinal))
            .And.NotContain(f => f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    [Fact]
    public void WallClockPattern_MatchesEveryBannedForm()
    {
        WallClock().IsMatch("var now = DateTime.UtcNow;").Should().BeTrue();
        WallClock().IsMatch("x = System.DateTime.Now").Should().BeTrue();
        WallClock().IsMatch("DateTimeOffset.UtcNow + t").Should().BeTrue();
        WallClock().IsMatch("DateTimeOffset.Now").Should().BeTrue();
        WallClock().IsMatch("timeProvider.GetUtcNow()").Should().BeFalse();
        WallClock().IsMatch("DateTimeOffset.UnixEpoch").Should().BeFalse();
        StripComment("x(); // DateTime.UtcNow is banned").Should().Be("x(); ");
        StripComment("var url = \"http://x\"; // c").Should().Be("var url = \"http://x\"; ");
    }

    [Fact]
    public void PublicSurface_NoExportedType_ExposesAnAwsSdkType()
    {
        var offenders = new List<string>();
        foreach (var type in Library.GetExportedTypes())
        {
            foreach (var (where, exposed) in ExposedTypes(type))
            {
                if (Flatten(exposed).Any(t => t.Namespace?.StartsWith("Amazon", StringComparison.Ordinal) == true))
                {
                    offenders.Add($"{type.FullName}.{where}: {exposed}");
                }
            }
        }

        offenders.Should().BeEmpty("the DirectUpload namespace is storage-neutral: no Amazon.* type in its public surface");
        Library.GetExportedTypes().Should().NotContain(t => t.Namespace!.StartsWith("Amazon", StringComparison.Ordinal));
    }

    [Fact]
    public void ExposedTypes_ChecksEveryKindOfMember()
    {
        // the scanner itself must see fields, properties, method signatures, generic arguments, events and base types
        ExposedTypes(typeof(Probe)).Select(e => e.Type).SelectMany(Flatten).Should().Contain([typeof(Amazon.S3.IAmazonS3), typeof(Amazon.RegionEndpoint), typeof(Amazon.Runtime.AWSCredentials), typeof(Amazon.S3.AmazonS3Config)]);
    }

    [Fact]
    public void InternalClasses_AreSealedOrAbstractBases()
    {
        var open = Library.GetTypes()
            .Where(t => t.IsClass && !t.IsPublic && !t.IsNestedPublic && !t.IsSealed && !t.IsDefined(typeof(CompilerGeneratedAttribute)))
            .Where(t => !t.IsAbstract || !Library.GetTypes().Any(d => d.BaseType == t))
            .Select(t => t.FullName)
            .ToList();

        open.Should().BeEmpty("internal implementations are sealed (CA1852), unless they are the abstract base of others");
    }

    [Fact]
    public void ResultTypes_AreSealed()
    {
        new[] { typeof(UploadGrant), typeof(UploadRequest), typeof(UploadTicket), typeof(ObjectKeyArguments) }
            .Should().OnlyContain(t => t.IsSealed);
        new[] { typeof(RandomKeyStrategy), typeof(RandomFileNameKeyStrategy), typeof(DatePartitionedKeyStrategy), typeof(OwnerScopedKeyStrategy) }
            .Should().OnlyContain(t => t.IsSealed);
    }

    private static List<string> SourceFiles()
    {
        var src = RepositoryPaths.Combine("src");
        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal) && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal))
            .ToList();
    }

    private static string StripComment(string line)
    {
        // good enough for this code base: '//' outside a string literal starts a comment
        var inString = false;
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    private static IEnumerable<(string Where, Type Type)> ExposedTypes(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        static bool Visible(MethodBase? m) => m is not null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

        if (type.BaseType is { } baseType)
        {
            yield return ("(base)", baseType);
        }

        foreach (var i in type.GetInterfaces())
        {
            yield return ("(interface)", i);
        }

        foreach (var f in type.GetFields(flags).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
        {
            yield return (f.Name, f.FieldType);
        }

        foreach (var p in type.GetProperties(flags).Where(p => Visible(p.GetMethod) || Visible(p.SetMethod)))
        {
            yield return (p.Name, p.PropertyType);
        }

        foreach (var e in type.GetEvents(flags).Where(e => Visible(e.AddMethod)))
        {
            yield return (e.Name, e.EventHandlerType!);
        }

        foreach (var m in type.GetMethods(flags).Cast<MethodBase>().Concat(type.GetConstructors(flags)).Where(Visible))
        {
            if (m is MethodInfo method)
            {
                yield return (m.Name + "(return)", method.ReturnType);
                foreach (var constraint in method.IsGenericMethodDefinition ? method.GetGenericArguments().SelectMany(a => a.GetGenericParameterConstraints()) : [])
                {
                    yield return (m.Name + "(constraint)", constraint);
                }
            }

            foreach (var p in m.GetParameters())
            {
                yield return ($"{m.Name}({p.Name})", p.ParameterType);
            }
        }
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var t in Flatten(type.GetElementType()!))
            {
                yield return t;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Flatten))
            {
                yield return t;
            }
        }
    }

    [GeneratedRegex(@"\bDateTime(Offset)?\s*\.\s*(UtcNow|Now)\b")]
    private static partial Regex WallClock();

    public abstract class Probe : Amazon.Runtime.AWSCredentials
    {
        public static readonly Amazon.RegionEndpoint Region = Amazon.RegionEndpoint.USEast1;

        public event EventHandler<Amazon.S3.AmazonS3Config>? Changed;

        public IList<Amazon.S3.IAmazonS3> Clients { get; } = [];

        protected void Raise() => Changed?.Invoke(this, null!);
    }
}
