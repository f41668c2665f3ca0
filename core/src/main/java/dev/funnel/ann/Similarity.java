package dev.funnel.ann;

import dev.funnel.kernel.VectorKernels;
import java.util.Locale;

/**
 * How an index scores a stored vector against a query; higher is always better.
 *
 * <ul>
 *   <li>{@link #INNER_PRODUCT}: {@code <q, x>}, true maximum-inner-product search. Learned
 *       embeddings (MF, two-tower) are not normalised: their norms carry popularity, so they are
 *       indexed as they are.
 *   <li>{@link #COSINE}: stored vectors and queries are L2-normalised once (at build and on entry
 *       to search), after which the score is the inner product.
 *   <li>{@link #L2}: {@code -||q - x||^2}, the negated squared Euclidean distance, so that "higher
 *       is better" holds for every similarity.
 * </ul>
 */
public enum Similarity {
  INNER_PRODUCT("ip"),
  COSINE("cosine"),
  L2("l2");

  private final String key;

  Similarity(String key) {
    this.key = key;
  }

  /** The short name used in configs, files and reports: ip, cosine or l2. */
  public String key() {
    return key;
  }

  /** Whether vectors are normalised before indexing and search. */
  public boolean normalizes() {
    return this == COSINE;
  }

  /** The score of row {@code b[bOff..bOff+dim)} against query {@code a[aOff..)}, higher is better. */
  public float score(VectorKernels k, float[] a, int aOff, float[] b, int bOff, int dim) {
    return this == L2 ? -k.squaredDistance(a, aOff, b, bOff, dim) : k.dot(a, aOff, b, bOff, dim);
  }

  /** Parses ip / inner_product / dot, cosine, l2 / euclidean (case-insensitive). */
  public static Similarity parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "ip", "inner_product", "dot", "mips" -> INNER_PRODUCT;
      case "cosine", "cos" -> COSINE;
      case "l2", "euclidean" -> L2;
      default -> throw new IllegalArgumentException("similarity must be ip, cosine or l2; similarity=" + s);
    };
  }

  /** L2-normalises every row of {@code rows x dim} in place; zero rows stay zero. */
  public static void normalizeRows(VectorKernels k, float[] data, int rows, int dim) {
    for (int r = 0; r < rows; r++) {
      normalize(k, data, r * dim, dim);
    }
  }

  /** Makes one vector ready to score: L2-normalised in place when this similarity is cosine, else untouched. */
  public void prepare(VectorKernels k, float[] x, int off, int dim) {
    if (normalizes()) {
      normalize(k, x, off, dim);
    }
  }

  private static void normalize(VectorKernels k, float[] x, int off, int dim) {
    float norm = k.norm(x, off, dim);
    if (norm > 0f) {
      k.scale(1f / norm, x, off, dim);
    }
  }
}
