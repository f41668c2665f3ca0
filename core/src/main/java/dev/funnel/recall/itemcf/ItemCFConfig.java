package dev.funnel.recall.itemcf;

/**
 * Item-based collaborative filtering settings (defaults tuned on gowalla, see
 * {@code bench/.../TuneNeighborhood}).
 *
 * @param neighbors top-N neighbours kept per item
 * @param shrink    shrinkage added to the denominator; damps similarities resting on few co-occurrences
 * @param alpha     asymmetry of the cosine: {@code |U_i|^alpha |U_j|^(1-alpha)}; 0.5 is plain cosine
 * @param iuf       weight each co-occurrence by {@code 1/log(1+|I_u|)} (inverse user frequency)
 * @param normalize divide each item's neighbour similarities by its largest
 * @param exponent  raise similarities to this power (sharpening, &gt; 1 favours strong neighbours)
 * @param binary    score with 1 per history item instead of the stored interaction value
 */
public record ItemCFConfig(int neighbors, double shrink, double alpha, boolean iuf, boolean normalize, double exponent, boolean binary) {
  public ItemCFConfig {
    if (neighbors < 1) {
      throw new IllegalArgumentException("neighbors must be positive; neighbors=" + neighbors);
    }
    if (!(shrink >= 0) || Double.isInfinite(shrink)) {
      throw new IllegalArgumentException("shrink must be finite and >= 0; shrink=" + shrink);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1]; alpha=" + alpha);
    }
    if (!(exponent > 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("exponent must be finite and positive; exponent=" + exponent);
    }
  }

  public static ItemCFConfig defaults() {
    return new ItemCFConfig(100, 10, 0.5, false, false, 1.0, true);
  }
}
