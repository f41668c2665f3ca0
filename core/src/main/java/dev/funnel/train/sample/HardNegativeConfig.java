package dev.funnel.train.sample;

/**
 * Hard-negative mining settings.
 *
 * <p>Negatives come from the rank window [{@code rankFrom}, {@code rankTo}) of the user's non-positive
 * items under the current model, ranks counted from 0 (best). The default window [100, 500) is ranks
 * 101..500 counted from 1: Huang et al., "Embedding-based Retrieval in Facebook Search" (KDD 2020)
 * found that sampling from ranks 101-500 beats taking the very hardest, which are often unlabelled
 * positives. Each draw is hard with probability 1 / (easyPerHard + 1) and otherwise an easy negative
 * from the ordinary sampler, so {@code easyPerHard = 100} mixes 100 easy : 1 hard as EBR recommends.
 */
public record HardNegativeConfig(int rankFrom, int rankTo, int easyPerHard) {
  public static final HardNegativeConfig DEFAULT = new HardNegativeConfig(100, 500, 100);

  public HardNegativeConfig {
    if (rankFrom < 0) {
      throw new IllegalArgumentException("rankFrom must be >= 0; rankFrom=" + rankFrom);
    }
    if (rankTo <= rankFrom) {
      throw new IllegalArgumentException("rankTo must be > rankFrom=" + rankFrom + "; rankTo=" + rankTo);
    }
    if (easyPerHard < 0) {
      throw new IllegalArgumentException("easyPerHard must be >= 0; easyPerHard=" + easyPerHard);
    }
  }

  /** Probability that one draw is a hard negative. */
  public double hardProbability() {
    return 1.0 / (easyPerHard + 1.0);
  }
}
