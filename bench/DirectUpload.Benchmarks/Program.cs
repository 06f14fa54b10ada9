using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace DirectUpload.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (see bench/README.md).</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // one summary per class, so that each Ratio is against that class's own baseline
        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default).AddColumn(GrantAllocationBudget.Columns);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
