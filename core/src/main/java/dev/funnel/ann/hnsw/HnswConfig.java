package dev.funnel.ann.hnsw;

/**
 * HNSW knobs (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", TPAMI 2018; names as in hnswlib).
 *
 * @param m links per node on the upper levels (2m on level 0); more links, better recall, more memory
 * @param efConstruction beam width while inserting (quality of the graph, cost of the build)
 * @param ef default beam width while searching (raised to k when k is larger); the recall/speed knob
 * @param seed seeds the random level of every node, so a build is reproducible up to thread timing
 */
public record HnswConfig(int m, int efConstruction, int ef, long seed) {
  public HnswConfig {
    if (m < 2) {
      throw new IllegalArgumentException("m must be >= 2; m=" + m);
    }
    if (m > 256) {
      throw new IllegalArgumentException("m must be <= 256; m=" + m);
    }
    if (efConstruction < 1) {
      throw new IllegalArgumentException("efConstruction must be positive; efConstruction=" + efConstruction);
    }
    if (ef < 1) {
      throw new IllegalArgumentException("ef must be positive; ef=" + ef);
    }
  }

  public static HnswConfig defaults() {
    return new HnswConfig(16, 100, 64, 42L);
  }

  public HnswConfig withEf(int newEf) {
    return new HnswConfig(m, efConstruction, newEf, seed);
  }
}
