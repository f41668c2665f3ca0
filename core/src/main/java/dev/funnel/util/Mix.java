package dev.funnel.util;

/**
 * The SplitMix64 finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): a bijective 64-bit mix used to derive per-user / per-item seeds and to
 * hash data into fingerprints. Changing it changes every stored fingerprint, so it never changes.
 */
public final class Mix {
  /** Weyl-sequence increment of SplitMix64 (the golden ratio in 64 bits). */
  public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Mix() {}

  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A seed for stream {@code id} of a run seeded with {@code seed}: independent of thread count. */
  public static long seedFor(long seed, long id) {
    return mix64(seed + GOLDEN_GAMMA * (id + 1L));
  }
}
