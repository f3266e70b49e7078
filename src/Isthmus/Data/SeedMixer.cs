namespace Isthmus.Data;

/// <summary>
/// Derives independent generator seeds from (seed, epoch, batch, ...) with SplitMix64 finalisers, so any epoch's
/// randomness can be recreated without replaying the epochs before it: that is what makes a resumed run exact.
/// </summary>
internal static class SeedMixer
{
    public static ulong Derive(long seed, params ReadOnlySpan<long> parts)
    {
        var h = Mix((ulong)seed);
        foreach (var part in parts) h = Mix(h ^ Mix((ulong)part + 0x9E3779B97F4A7C15UL));
        // libtorch takes the seed as a signed 64-bit value in places; keep it non-negative everywhere.
        return h & 0x7FFF_FFFF_FFFF_FFFFUL;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
