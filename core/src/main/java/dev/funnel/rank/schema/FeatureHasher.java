package dev.funnel.rank.schema;

import java.nio.charset.StandardCharsets;

/**
 * The hashing trick for unbounded id spaces (Weinberger et al., ICML 2009): a value's bucket is a
 * 64-bit hash of its UTF-8 bytes modulo the bucket count, so no vocabulary is fitted or stored and an
 * id never seen in training still gets a (shared) bucket. Double hashing uses two independent hash
 * functions (two seeds) and sets both buckets; the DHE paper (Kang et al., KDD 2021) describes it as
 * the usual way to cut collisions: two values share an embedding only when both hashes collide.
 *
 * <p>The hash is FNV-1a over the bytes, started from a seed-dependent offset, then the MurmurHash3
 * 64-bit finaliser for avalanche; it is fixed here (not {@link String#hashCode()}) so buckets stay the
 * same across JVMs, versions and languages.
 */
public final class FeatureHasher {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  /** The second hash function's seed offset (the golden-ratio constant). */
  private static final long SECOND = 0x9E3779B97F4A7C15L;

  private FeatureHasher() {}

  /** The 64-bit hash of {@code value} under {@code seed}. */
  public static long hash(String value, long seed) {
    long h = FNV_OFFSET ^ fmix64(seed);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return fmix64(h);
  }

  /** Bucket of hash function {@code k} (0 or 1) in {@code [0, buckets)}. */
  public static int bucket(String value, long seed, int k, int buckets) {
    return (int) Long.remainderUnsigned(hash(value, k == 0 ? seed : seed + SECOND), buckets);
  }

  /** MurmurHash3's 64-bit finaliser. */
  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
