package dev.funnel.train;

import dev.funnel.util.Mix;

/**
 * The per-worker random stream of training: SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), a
 * 64-bit Weyl sequence passed through {@link Mix#mix64}.
 *
 * <p>Contract: every worker owns exactly one instance, made by {@link #forWorker(long, int)} from the
 * run seed and its worker id, and never shares it. Worker {@code w} of a run with seed {@code s}
 * therefore draws the same numbers whatever the thread count or scheduling, so a single-worker run is
 * reproducible bit for bit and each worker's draws are reproducible on their own. Not thread-safe;
 * allocation-free.
 */
public final class WorkerRandom {
  private static final double DOUBLE_UNIT = 0x1.0p-53;
  private static final float FLOAT_UNIT = 0x1.0p-24f;

  private long state;
  private double spareGaussian;
  private boolean hasSpareGaussian;

  /** A stream seeded directly with {@code seed}; prefer {@link #forWorker} in training code. */
  public WorkerRandom(long seed) {
    this.state = seed;
  }

  /** The stream of worker {@code workerId} in a run seeded with {@code seed}. */
  public static WorkerRandom forWorker(long seed, int workerId) {
    if (workerId < 0) {
      throw new IllegalArgumentException("workerId must be >= 0; workerId=" + workerId);
    }
    return new WorkerRandom(Mix.seedFor(seed, workerId));
  }

  public long nextLong() {
    state += Mix.GOLDEN_GAMMA;
    return Mix.mix64(state);
  }

  public int nextInt() {
    return (int) (nextLong() >>> 32);
  }

  /**
   * Uniform in [0, bound) without modulo bias (Lemire, "Fast random integer generation in an
   * interval", TOMACS 2019): multiply-high with rejection of the short first interval.
   */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive; bound=" + bound);
    }
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x1_0000_0000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  /** Uniform in [0, 1) with 24 random bits. */
  public float nextFloat() {
    return (nextLong() >>> 40) * FLOAT_UNIT;
  }

  /** Standard normal by the Marsaglia polar method (the second value of each pair is kept). */
  public double nextGaussian() {
    if (hasSpareGaussian) {
      hasSpareGaussian = false;
      return spareGaussian;
    }
    double x;
    double y;
    double s;
    do {
      x = 2 * nextDouble() - 1;
      y = 2 * nextDouble() - 1;
      s = x * x + y * y;
    } while (s >= 1 || s == 0);
    double f = Math.sqrt(-2 * Math.log(s) / s);
    spareGaussian = y * f;
    hasSpareGaussian = true;
    return x * f;
  }

  /** Writes the stream's position (for checkpoints): the next draws after {@link #readState} are the same. */
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(state);
    out.writeBoolean(hasSpareGaussian);
    out.writeDouble(spareGaussian);
  }

  /** Restores a position written by {@link #writeState}. */
  public void readState(java.io.DataInput in) throws java.io.IOException {
    state = in.readLong();
    hasSpareGaussian = in.readBoolean();
    spareGaussian = in.readDouble();
  }
}
