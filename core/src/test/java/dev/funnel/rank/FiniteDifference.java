package dev.funnel.rank;

import java.util.function.DoubleSupplier;

/** The central difference the rankers' gradient checks share. */
public final class FiniteDifference {
  private FiniteDifference() {}

  /** (loss(w + h) - loss(w - h)) / 2h in coordinate {@code at} of {@code w}, restored afterwards. */
  public static double central(float[] w, int at, double h, DoubleSupplier loss) {
    float saved = w[at];
    w[at] = (float) (saved + h);
    double up = loss.getAsDouble();
    w[at] = (float) (saved - h);
    double down = loss.getAsDouble();
    w[at] = saved;
    return (up - down) / (2 * h);
  }
}
