using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Benchmarks;

/// <summary>
/// The allocation budget of a grant: the bytes of the strings it returns that are new for each grant (URL, key, token,
/// signature, dates, seal…; constants and the request's own strings are not counted; the POST policy counts as the byte
/// array the grant holds it in) plus 512 B for everything else. Three columns: <c>Returned strings</c>, <c>Budget</c> and <c>In budget</c> (Allocated ≤ Budget).
/// </summary>
public static class GrantAllocationBudget
{
    /// <summary>The slack beyond the returned strings.</summary>
    public const int Slack = 512;

    private static readonly Dictionary<string, long> Cache = [];

    /// <summary>The columns, for the benchmark config.</summary>
    public static IColumn[] Columns { get; } = [new BudgetColumn("Returned strings", Budget: false), new BudgetColumn("Budget", Budget: true), new InBudgetColumn()];

    /// <summary>The bytes of the per-grant strings of a grant for <paramref name="profile"/> (64-bit layout: 22 B + 2 B a char, rounded up to 8).</summary>
    public static long ReturnedStringBytes(string profile)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(profile, out var cached))
            {
                return cached;
            }

            using var services = BenchmarkServices.Build();
            var issuer = services.GetRequiredService<IUploadPolicyIssuer>();
            var request = BenchmarkServices.Request(profile);
            var first = issuer.IssueAsync(request).AsTask().GetAwaiter().GetResult();
            var second = issuer.IssueAsync(request).AsTask().GetAwaiter().GetResult();
            var shared = new HashSet<string>(Strings(second), ReferenceEqualityComparer.Instance);
            var mine = new HashSet<string>(ReferenceEqualityComparer.Instance);
            foreach (var s in Strings(first))
            {
                if (!shared.Contains(s) && !ReferenceEquals(s, string.Empty))
                {
                    mine.Add(s);
                }
            }

            long bytes = 0;
            foreach (var s in mine)
            {
                bytes += (22 + (2L * s.Length) + 7) & ~7L;
            }

            // a value the grant holds as base64 bytes (the POST policy) counts as that byte array (24 B + 1 B a byte), not as
            // the string a caller who reads it gets later
            if (first.Fields is DirectUpload.S3.Internal.GrantParameters fields)
            {
                for (var i = 0; i < fields.Count; i++)
                {
                    if (fields.TryGetBase64(i, out var base64))
                    {
                        bytes += (24 + base64.Length + 7) & ~7L;
                    }
                }
            }

            Cache[profile] = bytes;
            return bytes;
        }
    }

    private static IEnumerable<string> Strings(UploadGrant grant)
    {
        yield return grant.Method;
        yield return grant.Url;
        yield return grant.Key;
        yield return grant.Token;
        var fields = grant.Fields as DirectUpload.S3.Internal.GrantParameters;
        var index = 0;
        foreach (var (name, value) in grant.Fields)
        {
            yield return name;
            if (fields is null || !fields.TryGetBase64(index++, out _))
            {
                yield return value;
            }
        }

        foreach (var (name, value) in grant.Headers)
        {
            yield return name;
            yield return value;
        }
    }

    private static string? ProfileOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(PutGrantBenchmark.DirectUpload)
        && Activator.CreateInstance(benchmarkCase.Descriptor.Type) is GrantBenchmark grant
            ? grant.Profile
            : null;

    private static long? BudgetOf(BenchmarkCase benchmarkCase) =>
        ProfileOf(benchmarkCase) is { } profile ? ReturnedStringBytes(profile) + Slack : null;

    private sealed record BudgetColumn(string ColumnName, bool Budget) : IColumn
    {
        public string Id => nameof(GrantAllocationBudget) + ColumnName;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Metric;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Size;

        public string Legend => Budget ? $"Returned strings + {Slack} B" : "Bytes of the strings a grant returns that are new for each grant";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            ProfileOf(benchmarkCase) is { } profile ? $"{ReturnedStringBytes(profile) + (Budget ? Slack : 0)} B" : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    private sealed class InBudgetColumn : IColumn
    {
        public string Id => nameof(GrantAllocationBudget) + "InBudget";

        public string ColumnName => "In budget";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Metric;

        public int PriorityInCategory => 11;

        public bool IsNumeric => false;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Allocated <= Budget";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (BudgetOf(benchmarkCase) is not { } budget)
            {
                return "-";
            }

            var allocated = summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return allocated is null ? "?" : allocated <= budget ? "yes" : $"no (+{allocated - budget} B)";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
