using System.Reflection;

namespace DirectUpload.Client.Tests.PublicApi;

/// <summary>
/// Pins the public surface of DirectUpload.Client: one sorted line per exported type and member, compared with
/// <c>DirectUpload.Client.approved.txt</c>. On a mismatch the test writes <c>DirectUpload.Client.received.txt</c> next to
/// it: review the diff, then copy it over the approved file.
/// </summary>
public class PublicApiApprovalTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void PublicApi_MatchesTheApprovedFile()
    {
        var received = string.Join('\n', Describe(typeof(DirectUploadClient).Assembly)) + "\n";
        var folder = Path.Combine(ProjectDirectory(), "PublicApi");
        var approvedPath = Path.Combine(folder, "DirectUpload.Client.approved.txt");
        var receivedPath = Path.Combine(folder, "DirectUpload.Client.received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (received != approved)
        {
            File.WriteAllText(receivedPath, received);
        }
        else if (File.Exists(receivedPath))
        {
            File.Delete(receivedPath);
        }

        received.Should().Be(approved, $"the public API changed: review {receivedPath} and copy it over {approvedPath}");
    }

    private static IEnumerable<string> Describe(Assembly assembly) =>
        assembly.GetExportedTypes()
            .SelectMany(type => Members(type).Select(member => $"{Name(type)}: {member}").Prepend($"{Kind(type)} {Name(type)}"))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> Members(Type type)
    {
        foreach (var member in type.GetMembers(Declared))
        {
            var line = member switch
            {
                ConstructorInfo c when Visible(c) => $"ctor({Parameters(c)})",
                MethodInfo m when Visible(m) && !m.IsSpecialName && !IsRecordPlumbing(m) => $"{Static(m)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
                PropertyInfo p when (p.GetMethod is { } g && Visible(g)) || (p.SetMethod is { } s && Visible(s)) =>
                    $"{Static(p.GetMethod ?? p.SetMethod!)}{Name(p.PropertyType)} {p.Name} {{ {Accessors(p)}}}",
                FieldInfo f when f.IsPublic || f.IsFamily => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
                _ => null,
            };
            if (line is not null)
            {
                yield return line;
            }
        }
    }

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    // the compiler's members of records (Equals, PrintMembers, <Clone>$, Deconstruct…) are not API decisions
    private static bool IsRecordPlumbing(MethodInfo method) =>
        method.Name is "Equals" or "GetHashCode" or "ToString" or "PrintMembers" or "<Clone>$" or "Deconstruct" || method.Name.StartsWith("op_", StringComparison.Ordinal);

    private static string Static(MethodBase method) => method.IsStatic ? "static " : string.Empty;

    private static string Accessors(PropertyInfo property) =>
        (property.GetMethod is { } g && Visible(g) ? "get; " : string.Empty)
        + (property.SetMethod is { } s && Visible(s)
            ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; ")
            : string.Empty);

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        return name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }

    // not [CallerFilePath]: a CI build (ContinuousIntegrationBuild) maps source paths to /_/
    private static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DirectUpload.Client.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No DirectUpload.Client.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}
