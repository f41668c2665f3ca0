package dev.funnel.recall.lightgcn;

import java.util.Locale;

/**
 * Not a test: the cost of one {@link RowPool#forRange} with two chunks of trivial work (the hand-off
 * and the wait), wall microseconds per call, best and median of rounds of 2,000 calls. Usage:
 * {@code RowPoolProbe [threads] [rounds]}.
 */
final class RowPoolProbe {
  static volatile long sink;

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    long[] acc = new long[threads];
    double[] t = new double[rounds];
    try (RowPool pool = new RowPool(threads)) {
      for (int r = -3; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int c = 0; c < 2000; c++) {
          pool.forRange(2 * threads, 1, (w, a, b) -> {
            for (int x = a; x < b; x++) {
              acc[w] += x;
            }
          });
        }
        if (r >= 0) {
          t[r] = (System.nanoTime() - t0) / 2000 / 1e3;
        }
      }
    }
    java.util.Arrays.sort(t);
    sink = acc[0];
    System.out.printf(Locale.ROOT, "forRange, %d threads: best %.1f us, median %.1f us per call%n", threads, t[0], t[rounds / 2]);
  }
}
