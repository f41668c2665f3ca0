package dev.funnel.rank;

/**
 * Validation of the settings that the mini-batch neural rankers share (DeepFM, DIN, DCN-V2,
 * Wide&amp;Deep, ESMM, MMoE, PLE), called from their config records' canonical constructors so each bad
 * value is named the same way in all of them ("batchSize must be positive; batchSize=0"). The config
 * records keep their own components; only the checks live here.
 */
public final class DenseSettings {
  private DenseSettings() {}

  /**
   * The Adam loop every mini-batch ranker has; throws naming the first bad field and its value.
   *
   * @param batchSize rows per optimizer step, &gt;= 1
   * @param learningRate Adam step size, &gt; 0 and finite
   * @param embeddingL2 coupled L2 on the embedding rows a batch touches, &gt;= 0 and finite
   * @param denseL2 coupled L2 on the dense layers, &gt;= 0 and finite
   * @param initStd standard deviation of the Gaussian initial embeddings, &gt; 0 and finite
   * @param epochs passes over the training data, &gt;= 1
   * @param patience epochs without a better validation AUC before stopping, &gt;= 0
   */
  public static void check(int batchSize, double learningRate, double embeddingL2, double denseL2, double initStd, int epochs,
      int patience) {
    positive("batchSize", batchSize);
    positiveFinite("learningRate", learningRate);
    nonNegativeFinite("embeddingL2", embeddingL2);
    nonNegativeFinite("denseL2", denseL2);
    positiveFinite("initStd", initStd);
    positive("epochs", epochs);
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
  }

  /** Inverted dropout rate, in [0, 1). */
  public static void checkDropout(double dropout) {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1); dropout=" + dropout);
    }
  }

  /** FuxiCTR's full-table embedding regularizer λ, &gt;= 0 and finite (0 = off). */
  public static void checkEmbeddingRegularizer(double embeddingRegularizer) {
    nonNegativeFinite("embeddingRegularizer", embeddingRegularizer);
  }

  /** Learning-rate factor after an epoch without a better validation AUC, in (0, 1]. */
  public static void checkPlateauDecay(double plateauDecay) {
    if (!(plateauDecay > 0 && plateauDecay <= 1)) {
      throw new IllegalArgumentException("plateauDecay must be in (0, 1]; plateauDecay=" + plateauDecay);
    }
  }

  /** Throws "{@code field} must be positive; {@code field}=value" unless {@code value >= 1}. */
  public static void positive(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be positive; " + field + "=" + value);
    }
  }

  /** Throws "{@code field} must be set; {@code field}=null" when {@code value} is null. */
  public static void set(String field, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be set; " + field + "=null");
    }
  }

  /**
   * Comma-separated positive layer sizes, e.g. {@code 400,400,400}; blank gives none when {@code
   * allowEmpty}, else is an error. An error names {@code field} and the value.
   */
  public static int[] layerSizes(String field, String value, boolean allowEmpty) {
    String bad = field + " must be comma-separated positive layer sizes" + (allowEmpty ? " (blank for none)" : ", at least one") + "; "
        + field + "=" + value;
    if (value == null) {
      throw new IllegalArgumentException(bad);
    }
    if (value.isBlank()) {
      if (allowEmpty) {
        return new int[0];
      }
      throw new IllegalArgumentException(bad);
    }
    String[] parts = value.split(",");
    int[] units = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        units[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(bad);
      }
      if (units[i] < 1) {
        throw new IllegalArgumentException(bad);
      }
    }
    return units;
  }

  /** Throws "{@code field} must be positive and finite; {@code field}=value" unless 0 &lt; value &lt; ∞. */
  public static void positiveFinite(String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " must be positive and finite; " + field + "=" + value);
    }
  }

  /** Throws "{@code field} must be &gt;= 0 and finite; {@code field}=value" unless 0 &lt;= value &lt; ∞. */
  public static void nonNegativeFinite(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " must be >= 0 and finite; " + field + "=" + value);
    }
  }
}
