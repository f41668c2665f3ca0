package dev.funnel.ann.lsh;

/**
 * SimHash knobs (Charikar, "Similarity estimation techniques from rounding algorithms", STOC 2002:
 * the sign of a random Gaussian projection agrees for two vectors with probability
 * {@code 1 - angle/pi}).
 *
 * @param tables independent hash tables; more tables, more recall, more memory (8 bytes per vector each)
 * @param bits sign bits per table key (1..32); more bits, smaller buckets
 * @param probes extra buckets probed per table (multi-probe LSH, Lv et al., VLDB 2007): the buckets
 *     that differ from the query's in one of its {@code probes} least certain bits
 * @param seed seeds the random hyperplanes
 */
public record LshConfig(int tables, int bits, int probes, long seed) {
  public LshConfig {
    if (tables < 1) {
      throw new IllegalArgumentException("tables must be positive; tables=" + tables);
    }
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("bits must be in [1, 32]; bits=" + bits);
    }
    if (probes < 0 || probes > bits) {
      throw new IllegalArgumentException("probes must be in [0, bits]; probes=" + probes);
    }
  }

  public static LshConfig defaults() {
    return new LshConfig(16, 14, 4, 42L);
  }
}
