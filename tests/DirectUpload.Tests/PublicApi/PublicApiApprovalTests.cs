using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.PublicApi;

/// <summary>
/// Pins the public API of the DirectUpload package: one sorted line per exported type and per public or protected
/// member, compared with <c>DirectUpload.approved.txt</c>. On a change, the test writes <c>DirectUpload.received.txt</c>
/// beside it; review the difference and copy the received file over the approved one if the change is intended.
/// </summary>
public class PublicApiApprovalTests
{
    private const string ApprovedFile = "DirectUpload.approved.txt";
    private const string ReceivedFile = "DirectUpload.received.txt";

    [Fact]
    public void PublicApi_DirectUploadAssembly_MatchesTheApprovedFile() =>
        VerifyApproved(typeof(IUploadPolicyIssuer).Assembly, ApprovedFile, ReceivedFile);

    /// <summary>Compares an assembly's listing with <paramref name="approvedFile"/> in this folder; on a difference writes <paramref name="receivedFile"/> and fails with the diff.</summary>
    internal static void VerifyApproved(System.Reflection.Assembly assembly, string approvedFile, string receivedFile)
    {
        var received = PublicApiWriter.Write(assembly);
        var folder = Folder();
        var approvedPath = Path.Combine(folder, approvedFile);
        var receivedPath = Path.Combine(folder, receivedFile);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (approved == received)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received);
        var approvedLines = approved.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var receivedLines = received.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var diff = new StringBuilder()
            .AppendLine($"The public API changed. Review {receivedPath}; if the change is intended, copy it over {approvedPath}.");
        foreach (var line in approvedLines.Except(receivedLines).Order(StringComparer.Ordinal))
        {
            diff.Append("- ").AppendLine(line);
        }

        foreach (var line in receivedLines.Except(approvedLines).Order(StringComparer.Ordinal))
        {
            diff.Append("+ ").AppendLine(line);
        }

        Assert.Fail(diff.ToString());
    }

    [Fact]
    public void Write_SameAssembly_IsStableAndSorted()
    {
        var first = PublicApiWriter.Write(typeof(IUploadPolicyIssuer).Assembly);
        var second = PublicApiWriter.Write(typeof(IUploadPolicyIssuer).Assembly);

        second.Should().Be(first);
        first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Write_KnownMembers_AreWrittenWithSignatures()
    {
        var lines = PublicApiWriter.Write(typeof(IUploadPolicyIssuer).Assembly).Split('\n');

        lines.Should().Contain("DirectUpload.IUploadPolicyIssuer: public abstract System.Threading.Tasks.ValueTask<DirectUpload.UploadGrant> IssueAsync(DirectUpload.UploadRequest request, System.Threading.CancellationToken cancellationToken = default)");
        lines.Should().Contain("DirectUpload.UploadGrant: public required string Url { get; init; }");
        lines.Should().Contain("DirectUpload.DirectUploadOptions: public string? BucketName { get; set; }");
        lines.Should().Contain("DirectUpload.IObjectKeyStrategy: public abstract string CreateKey(in DirectUpload.ObjectKeyArguments args)");
        lines.Should().Contain("DirectUpload.UploadMethod: public const DirectUpload.UploadMethod Put = 0");
        lines.Should().Contain(l => l.StartsWith("Microsoft.Extensions.DependencyInjection.DirectUploadServiceCollectionExtensions: public static DirectUpload.IDirectUploadBuilder AddDirectUploads(this Microsoft.Extensions.DependencyInjection.IServiceCollection services", StringComparison.Ordinal));
        lines.Should().NotContain(l => l.Contains(".Internal.", StringComparison.Ordinal));
    }

    private static string Folder([CallerFilePath] string sourceFile = "")
    {
        // the source folder when the build kept real paths; else the same folder found from the repository root (CI path maps)
        var folder = Path.GetDirectoryName(sourceFile);
        return folder is not null && Directory.Exists(folder)
            ? folder
            : RepositoryPaths.Combine("tests", "DirectUpload.Tests", "PublicApi");
    }
}

/// <summary>Writes a public API listing with reflection: C#-like signatures, nullable annotations, one sorted line per member.</summary>
internal static class PublicApiWriter
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(bool)] = "bool",
        [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char", [typeof(short)] = "short", [typeof(ushort)] = "ushort",
        [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float",
        [typeof(double)] = "double", [typeof(decimal)] = "decimal",
    };

    public static string Write(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var name = TypeName(type, null);
            lines.Add($"{name}: {TypeDeclaration(type)}");
            foreach (var member in type.GetMembers(Declared).Where(IsVisible))
            {
                if (Describe(type, member) is { } signature)
                {
                    lines.Add($"{name}: {signature}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines) + "\n";
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(IsVisible),
        EventInfo e => e.AddMethod is { } add && IsVisible(add),
        _ => false, // nested types are exported types of their own
    };

    private static string TypeDeclaration(Type type)
    {
        var builder = new StringBuilder("public ");
        if (type.IsEnum)
        {
            return builder.Append($"enum {TypeName(type, null)} : {TypeName(Enum.GetUnderlyingType(type), null)}").ToString();
        }

        if (type.IsSubclassOf(typeof(Delegate)))
        {
            return builder.Append($"delegate {TypeName(type, null)}").ToString();
        }

        if (type.IsInterface)
        {
            builder.Append("interface ");
        }
        else if (type.IsValueType)
        {
            builder.Append(type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct " : "struct ");
        }
        else
        {
            builder.Append(type switch
            {
                { IsAbstract: true, IsSealed: true } => "static class ",
                { IsAbstract: true } => "abstract class ",
                { IsSealed: true } => "sealed class ",
                _ => "class ",
            });
        }

        builder.Append(TypeName(type, null));
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType))
        {
            bases.Add(TypeName(baseType, null));
        }

        bases.AddRange(type.GetInterfaces().Select(i => TypeName(i, null)).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? builder.ToString() : builder.Append(" : ").Append(string.Join(", ", bases)).ToString();
    }

    private static string? Describe(Type owner, MemberInfo member)
    {
        var nullability = new NullabilityInfoContext();
        switch (member)
        {
            case ConstructorInfo c:
                return $"{Access(c)} {(c.IsStatic ? "static " : string.Empty)}{TypeName(owner, null)}({Parameters(c, nullability)})";

            case MethodInfo m when m.IsSpecialName && !m.Name.StartsWith("op_", StringComparison.Ordinal):
                return null; // property and event accessors are written with their property or event

            case MethodInfo m:
                var generic = m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;
                var constraints = m.IsGenericMethodDefinition ? Constraints(m.GetGenericArguments()) : string.Empty;
                return $"{Access(m)} {Modifiers(m, owner)}{TypeName(m.ReturnType, nullability.Create(m.ReturnParameter))} {m.Name}{generic}({Parameters(m, nullability)}){constraints}";

            case PropertyInfo p:
                var accessors = new List<string>();
                if (p.GetMethod is { } get && IsVisible(get))
                {
                    accessors.Add(AccessorAccess(get, p) + "get;");
                }

                if (p.SetMethod is { } set && IsVisible(set))
                {
                    var init = set.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.FullName == "System.Runtime.CompilerServices.IsExternalInit");
                    accessors.Add(AccessorAccess(set, p) + (init ? "init;" : "set;"));
                }

                var any = p.GetAccessors(nonPublic: true).First(IsVisible);
                var required = p.IsDefined(typeof(RequiredMemberAttribute)) ? "required " : string.Empty;
                var indexer = p.GetIndexParameters() is { Length: > 0 } index ? $"this[{string.Join(", ", index.Select(i => $"{TypeName(i.ParameterType, nullability.Create(i))} {i.Name}"))}]" : p.Name;
                return $"{Access(any)} {Modifiers(any, owner)}{required}{TypeName(p.PropertyType, nullability.Create(p))} {indexer} {{ {string.Join(' ', accessors)} }}";

            case FieldInfo f when owner.IsEnum:
                return f.IsSpecialName ? null : $"public const {TypeName(owner, null)} {f.Name} = {Convert.ChangeType(f.GetRawConstantValue(), Enum.GetUnderlyingType(owner), System.Globalization.CultureInfo.InvariantCulture)}";

            case FieldInfo f:
                var kind = f.IsLiteral ? "const " : (f.IsStatic ? "static " : string.Empty) + (f.IsInitOnly ? "readonly " : string.Empty);
                var value = f.IsLiteral ? " = " + Literal(f.GetRawConstantValue()) : string.Empty;
                return $"{(f.IsPublic ? "public" : "protected")} {kind}{TypeName(f.FieldType, nullability.Create(f))} {f.Name}{value}";

            case EventInfo e:
                return $"{Access(e.AddMethod!)} {Modifiers(e.AddMethod!, owner)}event {TypeName(e.EventHandlerType!, nullability.Create(e))} {e.Name}";

            default:
                return null;
        }
    }

    private static string Access(MethodBase method) => method.IsPublic ? "public" : method.IsFamilyOrAssembly ? "protected internal" : "protected";

    private static string AccessorAccess(MethodInfo accessor, PropertyInfo property)
    {
        var widest = property.GetAccessors(nonPublic: true).Where(IsVisible).Any(a => a.IsPublic) ? "public" : "protected";
        var own = Access(accessor);
        return own == widest ? string.Empty : own + " ";
    }

    private static string Modifiers(MethodInfo method, Type owner)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (owner.IsInterface)
        {
            return method.IsAbstract ? "abstract " : "virtual ";
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        if (method.IsVirtual && !method.IsFinal)
        {
            return method.GetBaseDefinition().DeclaringType == owner ? "virtual " : "override ";
        }

        return method.IsVirtual && method.GetBaseDefinition().DeclaringType != owner ? "sealed override " : string.Empty;
    }

    private static string Parameters(MethodBase method, NullabilityInfoContext nullability)
    {
        var extension = method.IsDefined(typeof(ExtensionAttribute));
        return string.Join(", ", method.GetParameters().Select((p, i) =>
        {
            var prefix = extension && i == 0 ? "this " : string.Empty;
            var type = p.ParameterType;
            if (type.IsByRef)
            {
                prefix += p.IsOut ? "out " : p.IsIn ? "in " : "ref ";
                type = type.GetElementType()!;
            }

            if (p.IsDefined(typeof(ParamArrayAttribute)))
            {
                prefix += "params ";
            }

            var text = $"{prefix}{TypeName(type, nullability.Create(p))} {p.Name}";
            return p.HasDefaultValue ? $"{text} = {(p.DefaultValue is null && type.IsValueType ? "default" : Literal(p.DefaultValue))}" : text;
        }));
    }

    private static string Constraints(Type[] arguments)
    {
        var builder = new StringBuilder();
        foreach (var argument in arguments)
        {
            var constraints = new List<string>();
            var attributes = argument.GenericParameterAttributes;
            if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
            {
                constraints.Add("class");
            }

            if (attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("struct");
            }

            constraints.AddRange(argument.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(c => TypeName(c, null)));
            if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) && !attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("new()");
            }

            if (constraints.Count > 0)
            {
                builder.Append($" where {argument.Name} : {string.Join(", ", constraints)}");
            }
        }

        return builder.ToString();
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        char c => "'" + c + "'",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string TypeName(Type type, NullabilityInfo? nullability)
    {
        if (type.IsGenericParameter)
        {
            return type.Name + (nullability?.ReadState == NullabilityState.Nullable && !type.IsValueType ? "?" : string.Empty);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying, null) + "?";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!, nullability?.ElementType) + "[" + new string(',', type.GetArrayRank() - 1) + "]" + NullableMark(type, nullability);
        }

        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword + NullableMark(type, nullability);
        }

        var name = type.IsNested ? TypeName(type.DeclaringType!, null) + "." + type.Name : type.Namespace + "." + type.Name;
        if (type.IsGenericType)
        {
            var arguments = type.GetGenericArguments();
            var argumentNullability = nullability?.GenericTypeArguments;
            name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" +
                string.Join(", ", arguments.Select((a, i) => TypeName(a, argumentNullability is { Length: > 0 } n && i < n.Length ? n[i] : null))) + ">";
        }

        return name + NullableMark(type, nullability);
    }

    private static string NullableMark(Type type, NullabilityInfo? nullability) =>
        !type.IsValueType && (nullability?.ReadState == NullabilityState.Nullable || (nullability?.ReadState != NullabilityState.NotNull && nullability?.WriteState == NullabilityState.Nullable)) ? "?" : string.Empty;
}
