package dev.funnel.pipeline.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded simulation with known click probabilities, to measure a policy's cumulative regret on the
 * exploration slots of a page. Each round is one exploration slot: a user of one of {@code segments}
 * segments sees a slot at one of three position buckets; the policy picks one of {@code arms} arms
 * (channels); the click is Bernoulli with probability
 * {@code p(a, s, q) = base[a] + affinity[a][s] + position[q]}, linear in the context
 * {@code x = [1, onehot(s), onehot(q)]}, so a linear bandit can learn it exactly. Regret is the
 * expected (pseudo-)regret {@code Σ_t max_a p(a, x_t) − p(a_t, x_t)}, which does not depend on the
 * clicks' noise. Every policy sees the same rounds (contexts and click draws come from one seed per
 * policy run), so policies are compared on the same exploration share of slots.
 */
public final class BanditSimulation {
  /**
   * @param arms arms (channels) to choose among
   * @param segments user segments (one-hot in the context)
   * @param rounds exploration slots simulated
   * @param seed the world's seed (probabilities, contexts, clicks)
   */
  public record World(int arms, int segments, int rounds, long seed) {
    public World {
      if (arms < 2) {
        throw new IllegalArgumentException("arms must be >= 2; arms=" + arms);
      }
      if (segments < 1) {
        throw new IllegalArgumentException("segments must be >= 1; segments=" + segments);
      }
      if (rounds < 1) {
        throw new IllegalArgumentException("rounds must be positive; rounds=" + rounds);
      }
    }

    public int dim() {
      return 1 + segments + POSITIONS.length;
    }
  }

  /** Click probability added per position bucket (top, middle, lower slots). */
  static final double[] POSITIONS = {0.04, 0.02, 0.0};

  /** A policy's cumulative regret at each checkpoint, and its clicks. */
  public record Curve(String policy, long[] rounds, double[] regret, long clicks) {
    /** Regret at the last checkpoint. */
    public double total() {
      return regret[regret.length - 1];
    }

    /**
     * The log-log slope of the regret between the checkpoint nearest {@code rounds/10} and the last:
     * 1 for linear growth, about 0.5 for {@code sqrt(T)}.
     */
    public double slope() {
      int last = rounds.length - 1;
      int from = 0;
      for (int i = 0; i < rounds.length; i++) {
        if (rounds[i] * 10 <= rounds[last]) {
          from = i;
        }
      }
      return Math.log(regret[last] / regret[from]) / Math.log((double) rounds[last] / rounds[from]);
    }
  }

  private final World world;
  private final double[] base;
  private final double[][] affinity;

  public BanditSimulation(World world) {
    this.world = world;
    Random r = new Random(world.seed());
    base = new double[world.arms()];
    affinity = new double[world.arms()][world.segments()];
    for (int a = 0; a < world.arms(); a++) {
      base[a] = 0.02 + 0.08 * r.nextDouble();
      for (int s = 0; s < world.segments(); s++) {
        affinity[a][s] = 0.12 * r.nextDouble();
      }
    }
  }

  /**
   * The fresh-items world: each round offers {@code candidates} new items, each with an age bucket
   * (4), a popularity bucket (4) and a category (4) drawn at random; the click probability is
   * {@code 0.02 + age[a] + pop[p] + cat[c]} (each effect in [0, 0.08]), linear in
   * {@code x = [1, onehot(age), onehot(pop), onehot(cat)]} (d = 13). No item is seen twice, so only a
   * model shared over the items' features can learn ({@link LinearBandit.Config#shared()}).
   */
  public Curve runItems(String label, LinearBandit.Config config, int candidates, int checkpoints) {
    int d = 13;
    if (config.dim() != d || !config.shared()) {
      throw new IllegalArgumentException("item arms need a shared model of dim 13; config=" + config);
    }
    Random r = new Random(world.seed() * 17 + 3);
    double[] effect = new double[d];
    effect[0] = 0.02;
    for (int i = 1; i < d; i++) {
      effect[i] = 0.08 * r.nextDouble();
    }
    LinearBandit bandit = new LinearBandit(config, 1);
    Random rounds = new Random(world.seed() * 37 + 5);
    Random policy = new Random(world.seed() * 137 + 13);
    double[][] contexts = new double[candidates][];
    double[] p = new double[candidates];
    List<Long> at = new ArrayList<>();
    List<Double> reg = new ArrayList<>();
    int every = Math.max(1, world.rounds() / checkpoints);
    double regret = 0;
    long clicks = 0;
    for (int t = 1; t <= world.rounds(); t++) {
      double best = 0;
      for (int j = 0; j < candidates; j++) {
        double[] x = new double[d];
        x[0] = 1;
        x[1 + rounds.nextInt(4)] = 1;
        x[5 + rounds.nextInt(4)] = 1;
        x[9 + rounds.nextInt(4)] = 1;
        contexts[j] = x;
        double pj = 0;
        for (int i = 0; i < d; i++) {
          pj += effect[i] * x[i];
        }
        p[j] = pj;
        best = Math.max(best, pj);
      }
      double u = rounds.nextDouble();
      int j = bandit.choose(contexts, policy, null);
      regret += best - p[j];
      boolean click = u < p[j];
      clicks += click ? 1 : 0;
      bandit.update(0, contexts[j], click ? 1 : 0);
      if (t % every == 0 || t == world.rounds()) {
        at.add((long) t);
        reg.add(regret);
      }
    }
    long[] ts = new long[at.size()];
    double[] rs = new double[at.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = at.get(i);
      rs[i] = reg.get(i);
    }
    return new Curve(label, ts, rs, clicks);
  }

  /** The true click probability of {@code arm} for segment {@code s} at position bucket {@code q}. */
  public double probability(int arm, int s, int q) {
    return base[arm] + affinity[arm][s] + POSITIONS[q];
  }

  /**
   * Runs one policy over the world's rounds.
   *
   * @param checkpoints how many evenly spaced checkpoints to record (the last is the final round)
   */
  public Curve run(String label, LinearBandit.Config config, int checkpoints) {
    if (config.dim() != world.dim()) {
      throw new IllegalArgumentException("config dim must be " + world.dim() + "; dim=" + config.dim());
    }
    int n = world.arms();
    LinearBandit bandit = new LinearBandit(config, n);
    Random rounds = new Random(world.seed() * 31 + 7);
    Random policy = new Random(world.seed() * 131 + 11);
    double[][] contexts = new double[n][];
    List<Long> at = new ArrayList<>();
    List<Double> reg = new ArrayList<>();
    int every = Math.max(1, world.rounds() / checkpoints);
    double regret = 0;
    long clicks = 0;
    for (int t = 1; t <= world.rounds(); t++) {
      int s = rounds.nextInt(world.segments());
      int q = rounds.nextInt(POSITIONS.length);
      double u = rounds.nextDouble();
      double[] x = new double[world.dim()];
      x[0] = 1;
      x[1 + s] = 1;
      x[1 + world.segments() + q] = 1;
      double best = 0;
      for (int a = 0; a < n; a++) {
        contexts[a] = x;
        best = Math.max(best, probability(a, s, q));
      }
      int arm = bandit.choose(contexts, policy, null);
      double p = probability(arm, s, q);
      regret += best - p;
      boolean click = u < p;
      clicks += click ? 1 : 0;
      bandit.update(arm, x, click ? 1 : 0);
      if (t % every == 0 || t == world.rounds()) {
        if (at.isEmpty() || at.get(at.size() - 1) != t) {
          at.add((long) t);
          reg.add(regret);
        }
      }
    }
    long[] ts = new long[at.size()];
    double[] rs = new double[at.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = at.get(i);
      rs[i] = reg.get(i);
    }
    return new Curve(label, ts, rs, clicks);
  }
}
