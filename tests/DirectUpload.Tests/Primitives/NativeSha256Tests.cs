using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DirectUpload.Internal;

namespace DirectUpload.Tests.Primitives;

/// <summary>
/// SHA-256 and HMAC-SHA256 straight through OpenSSL (<see cref="NativeSha256"/>) and the paths that use it
/// (<see cref="KeyedHmac"/>, <see cref="Hashing"/>), each against the BCL's own answer, on both paths.
/// </summary>
public sealed class NativeSha256Tests
{
    private static readonly int[] KeyLengths = [0, 1, 20, 32, 63, 64, 65, 131];
    private static readonly int[] MessageLengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 200, 700, 4096, 70_000];

    [Fact]
    public void IsAvailable_OnThisHost_IsTrueExactlyWhereLinuxLoadsLibcrypto3()
    {
        // CI runs on Debian 12 (OpenSSL 3, not in FIPS mode): there the fast path must be the one every grant takes
        var expected = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libcrypto.so.3", out _);

        NativeSha256.IsAvailable.Should().Be(expected);
    }

    [Fact]
    public void TryLoad_DisabledBySwitch_ReturnsFalse()
    {
        NativeSha256.TryLoad(disabled: true, out _).Should().BeFalse();
    }

    [Fact]
    public void Hash_EveryBlockBoundary_MatchesSha256HashData()
    {
        RequireNative();
        foreach (var length in MessageLengths)
        {
            var data = RandomNumberGenerator.GetBytes(length);
            var hash = new byte[32];

            NativeSha256.Hash(data, hash);

            hash.Should().Equal(SHA256.HashData(data), $"a {length}-byte message");
        }
    }

    [Fact]
    public void Hmac_KeysShorterThanLongerThanAndOfOneBlock_MatchesHmacSha256HashData()
    {
        RequireNative();
        foreach (var keyLength in KeyLengths)
        {
            var key = RandomNumberGenerator.GetBytes(keyLength);
            var hmacKey = NativeSha256.CreateHmacKey(key);
            foreach (var length in MessageLengths)
            {
                var data = RandomNumberGenerator.GetBytes(length);
                var mac = new byte[32];

                NativeSha256.Hmac(hmacKey, data, mac);

                mac.Should().Equal(HMACSHA256.HashData(key, data), $"a {keyLength}-byte key and a {length}-byte message");
            }
        }
    }

    [Fact]
    public void Hmac_SameKeyTwice_GivesTheSameMac()
    {
        RequireNative();
        var key = NativeSha256.CreateHmacKey("token key"u8);
        var first = new byte[32];
        var again = new byte[32];

        NativeSha256.Hmac(key, "message"u8, first);
        NativeSha256.Hmac(key, "message"u8, again);

        again.Should().Equal(first, "the key's states are copied for each MAC, never advanced");
        first.Should().Equal(HMACSHA256.HashData("token key"u8, "message"u8));
    }

    [Fact]
    public void Hmac_DestinationShorterThanADigest_ThrowsAndWritesNothing()
    {
        RequireNative();
        var key = NativeSha256.CreateHmacKey("k"u8);
        var mac = new byte[31];

        var hash = () => NativeSha256.Hmac(key, "m"u8, mac);

        hash.Should().Throw<ArgumentOutOfRangeException>();
        mac.Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void HmacKeyClear_ZeroesTheKeysStates()
    {
        RequireNative();
        var key = NativeSha256.CreateHmacKey("secret"u8);

        key.Clear();

        MemoryMarshal.AsBytes(new ReadOnlySpan<NativeSha256.State>(in key.Inner)).ToArray().Should().OnlyContain(b => b == 0);
        MemoryMarshal.AsBytes(new ReadOnlySpan<NativeSha256.State>(in key.Outer)).ToArray().Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void KeyedHmac_BothPathsAndMoreKeysThanItKeeps_MatchHmacSha256HashData()
    {
        // more keys than the per-thread cache holds (4), each used twice, so that evicted keys come back
        var keys = Enumerable.Range(0, 7).Select(i => RandomNumberGenerator.GetBytes(16 + (i * 10))).ToArray();
        foreach (var key in keys.Concat(keys))
        {
            foreach (var length in MessageLengths)
            {
                var data = RandomNumberGenerator.GetBytes(length);
                var expected = HMACSHA256.HashData(key, data);
                var mac = new byte[32];
                var bcl = new byte[32];

                KeyedHmac.HashData(key, data, mac);
                KeyedHmac.HashDataWithIncrementalHash(key, data, bcl);

                mac.Should().Equal(expected);
                bcl.Should().Equal(expected);
            }
        }
    }

    [Fact]
    public void HashingSha256_BothPaths_MatchSha256HashData()
    {
        foreach (var length in MessageLengths)
        {
            var data = RandomNumberGenerator.GetBytes(length);
            var hash = new byte[32];
            var bcl = new byte[32];

            Hashing.Sha256(data, hash);
            Hashing.Sha256WithIncrementalHash(data, bcl);

            hash.Should().Equal(SHA256.HashData(data));
            bcl.Should().Equal(SHA256.HashData(data));
        }
    }

    [Fact]
    public void Hash_GuardedByIsAvailable_ThrowsOnlyWhenNotAvailable()
    {
        if (NativeSha256.IsAvailable)
        {
            // the guard is what keeps a null function pointer from ever being called; here it must let calls through
            var hash = new byte[32];
            NativeSha256.Hash("abc"u8, hash);
            hash.Should().Equal(SHA256.HashData("abc"u8));
        }
        else
        {
            ((Action)(() => NativeSha256.Hash("abc"u8, new byte[32]))).Should().Throw<InvalidOperationException>();
        }
    }

    private static void RequireNative() =>
        NativeSha256.IsAvailable.Should().BeTrue("these tests run on Linux with OpenSSL 3 (IsAvailable_OnThisHost… says where it is expected)");
}
