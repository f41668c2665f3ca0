package dev.funnel.rank;

import java.util.Random;
import java.util.function.DoubleSupplier;

/** Gradient checks for the rankers' hand-written gradients: central differences over float weights. */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /** (L(w + h e_at) - L(w - h e_at)) / 2h, restoring w[at]. */
  public static double central(float[] w, int at, double h, DoubleSupplier loss) {
    float saved = w[at];
    w[at] = (float) (saved + h);
    double up = loss.getAsDouble();
    w[at] = (float) (saved - h);
    double down = loss.getAsDouble();
    w[at] = saved;
    return (up - down) / (2 * h);
  }

  /** A random source seeded from the clock, its seed printed so a failure can be replayed. */
  public static Random seeded(String test) {
    long seed = System.nanoTime();
    System.out.println(test + " seed=" + seed);
    return new Random(seed);
  }

  /** n draws of N(0, 0.25): weights of a typical trained magnitude. */
  public static float[] gaussian(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian() * 0.5f;
    }
    return a;
  }
}
