package dev.funnel.pipeline.explore;

import java.util.Locale;
import java.util.Random;

/**
 * A linear contextual bandit over a fixed number of arms, each arm offered with its own context
 * vector per round. Two model layouts:
 * <ul>
 *   <li><b>disjoint</b>: one {@link RidgeModel} per arm (LinUCB with disjoint linear models, Li et
 *       al., "A Contextual-Bandit Approach to Personalized News Article Recommendation", WWW 2010,
 *       Algorithm 1): for a few stable arms such as channels;</li>
 *   <li><b>shared</b>: one model over all arms, arms differing only by their context (the features
 *       of the arm itself: item age, popularity, channels): for arms that come and go such as fresh
 *       items, where a per-arm model would never learn.</li>
 * </ul>
 * and three policies: {@code linucb} (argmax {@code θᵀx + α sqrt(xᵀA⁻¹x)}), {@code thompson}
 * (linear Thompson sampling, Agrawal &amp; Goyal, ICML 2013: argmax {@code θ̃ᵀx} with
 * {@code θ̃ ~ N(θ, v²A⁻¹)}; in the disjoint layout each arm's draw is independent, so sampling the
 * scalar {@code θ̃ᵀx ~ N(θᵀx, v² xᵀA⁻¹x)} is the same distribution at O(d²)), and
 * {@code epsilon-greedy} (a uniformly random arm with probability ε, else argmax {@code θᵀx}), the
 * baseline. Thread-safe: the models are.
 */
public final class LinearBandit {
  /** How an arm is chosen. */
  public enum Policy {
    LINUCB, THOMPSON, EPSILON_GREEDY;

    /** {@code linucb}, {@code thompson}, {@code epsilon-greedy}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Policy parse(String s) {
      for (Policy p : values()) {
        if (p.wire().equals(s)) {
          return p;
        }
      }
      throw new IllegalArgumentException("policy must be linucb, thompson or epsilon-greedy; policy=" + s);
    }
  }

  /**
   * @param policy how arms are chosen
   * @param dim context dimension
   * @param shared one model for all arms (true) or one per arm
   * @param alpha LinUCB's width multiplier α, or Thompson sampling's scale v (&gt;= 0)
   * @param ridge prior precision λ (&gt; 0)
   * @param epsilon epsilon-greedy's random share, in [0, 1]
   */
  public record Config(Policy policy, int dim, boolean shared, double alpha, double ridge, double epsilon) {
    public Config {
      if (policy == null) {
        throw new IllegalArgumentException("policy must be set; policy=null");
      }
      if (dim < 1 || dim > 4096) {
        throw new IllegalArgumentException("dim must be in [1, 4096]; dim=" + dim);
      }
      if (!(alpha >= 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("alpha must be >= 0; alpha=" + alpha);
      }
      if (!(ridge > 0) || Double.isInfinite(ridge)) {
        throw new IllegalArgumentException("ridge must be positive; ridge=" + ridge);
      }
      if (!(epsilon >= 0 && epsilon <= 1)) {
        throw new IllegalArgumentException("epsilon must be in [0, 1]; epsilon=" + epsilon);
      }
    }
  }

  private final Config config;
  private final RidgeModel[] models;

  /** @param arms number of arms (ignored by the model count in the shared layout, which has one model) */
  public LinearBandit(Config config, int arms) {
    if (arms < 1) {
      throw new IllegalArgumentException("arms must be positive; arms=" + arms);
    }
    this.config = config;
    this.models = new RidgeModel[config.shared() ? 1 : arms];
    for (int i = 0; i < models.length; i++) {
      models[i] = new RidgeModel(config.dim(), config.ridge());
    }
  }

  public Config config() {
    return config;
  }

  /** The model that learns for {@code arm}. */
  public RidgeModel model(int arm) {
    return models[config.shared() ? 0 : arm];
  }

  /**
   * Chooses an arm.
   *
   * @param contexts per arm its context this round, null for an arm not available now
   * @param scores when not null, receives each available arm's policy score (NaN for unavailable ones)
   * @return the arm, or -1 when none is available
   */
  public int choose(double[][] contexts, Random random, double[] scores) {
    int n = contexts.length;
    if (!config.shared() && n > models.length) {
      throw new IllegalArgumentException("more contexts than arms; contexts=" + n + ", arms=" + models.length);
    }
    int available = 0;
    for (double[] x : contexts) {
      if (x != null) {
        available++;
      }
    }
    if (available == 0) {
      return -1;
    }
    if (config.policy() == Policy.EPSILON_GREEDY && random.nextDouble() < config.epsilon()) {
      int pick = random.nextInt(available);
      for (int a = 0; a < n; a++) {
        if (contexts[a] != null && pick-- == 0) {
          if (scores != null) {
            java.util.Arrays.fill(scores, Double.NaN);
            scores[a] = model(a).mean(contexts[a]);
          }
          return a;
        }
      }
    }
    double[] theta = config.policy() == Policy.THOMPSON && config.shared() ? models[0].sampleTheta(random, config.alpha()) : null;
    int best = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < n; a++) {
      double[] x = contexts[a];
      double s;
      if (x == null) {
        s = Double.NaN;
      } else {
        RidgeModel m = model(a);
        s = switch (config.policy()) {
          case LINUCB -> m.upperBound(x, config.alpha());
          case EPSILON_GREEDY -> m.mean(x);
          case THOMPSON -> theta != null ? dot(theta, x) : m.mean(x) + config.alpha() * m.width(x) * random.nextGaussian();
        };
        if (best < 0 || s > bestScore) {
          best = a;
          bestScore = s;
        }
      }
      if (scores != null) {
        scores[a] = s;
      }
    }
    return best;
  }

  /** The arm was shown in context {@code x}. */
  public void impression(int arm, double[] x) {
    model(arm).observe(x);
  }

  /** The arm shown in context {@code x} was clicked (after or before its {@link #impression}). */
  public void click(int arm, double[] x) {
    model(arm).reward(x, 1);
  }

  /** Both at once, with any reward. */
  public void update(int arm, double[] x, double reward) {
    model(arm).update(x, reward);
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }
}
