package dev.funnel.rank;

import java.util.Random;
import java.util.function.DoubleSupplier;

/** Gradient checks for the rankers' hand-written gradients: central differences over float weights. */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /**
   * (L(w + h e_at) - L(w - h e_at)) / 2h, restoring w[at]; h is the step as stored in float (a float
   * weight moves by a multiple of its spacing, not by exactly h).
   */
  public static double central(float[] w, int at, double h, DoubleSupplier loss) {
    float saved = w[at];
    w[at] = (float) (saved + h);
    float upAt = w[at];
    double up = loss.getAsDouble();
    w[at] = (float) (saved - h);
    float downAt = w[at];
    double down = loss.getAsDouble();
    w[at] = saved;
    return (up - down) / ((double) upAt - downAt);
  }

  /** (L(w + h e_at) - L(w)) / h, one side only (h < 0: the left side), restoring w[at]. */
  public static double oneSided(float[] w, int at, double h, DoubleSupplier loss) {
    float saved = w[at];
    double here = loss.getAsDouble();
    w[at] = (float) (saved + h);
    float movedAt = w[at];
    double moved = loss.getAsDouble();
    w[at] = saved;
    return (moved - here) / ((double) movedAt - saved);
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
