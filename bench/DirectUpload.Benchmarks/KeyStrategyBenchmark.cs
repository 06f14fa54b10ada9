using BenchmarkDotNet.Attributes;

namespace DirectUpload.Benchmarks;

/// <summary>The built-in key strategies, alone (no validation or signing): the random id is the baseline.</summary>
[MemoryDiagnoser]
public class KeyStrategyBenchmark
{
    private readonly IObjectKeyStrategy _random = RandomKeyStrategy.Instance;
    private readonly IObjectKeyStrategy _randomFileName = RandomFileNameKeyStrategy.Instance;
    private readonly IObjectKeyStrategy _dateOwner = new OwnerScopedKeyStrategy(new DatePartitionedKeyStrategy(RandomFileNameKeyStrategy.Instance));
    private ObjectKeyArguments _args;

    [GlobalSetup]
    public void Setup() =>
        _args = new ObjectKeyArguments(
            BenchmarkServices.PutProfile,
            BenchmarkServices.FileName,
            BenchmarkServices.ContentType,
            "auth0|5f7c8ec7c33c6c004bbafe82",
            new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero));

    [Benchmark(Baseline = true, Description = "random id + extension")]
    public string Random() => _random.CreateKey(_args);

    [Benchmark(Description = "random id + file name")]
    public string RandomFileName() => _randomFileName.CreateKey(_args);

    [Benchmark(Description = "owner / date / random id + file name")]
    public string DateOwner() => _dateOwner.CreateKey(_args);
}
