package dev.funnel.pipeline.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearBanditTest {
  private static LinearBandit.Config config(LinearBandit.Policy p, double alpha, double eps, int dim) {
    return new LinearBandit.Config(p, dim, false, alpha, 1.0, eps);
  }

  @Test
  void linucbPrefersTheUntriedArmThenTheBetterOne() {
    LinearBandit b = new LinearBandit(config(LinearBandit.Policy.LINUCB, 1, 0, 1), 2);
    double[] x = {1};
    for (int i = 0; i < 20; i++) {
      b.update(0, x, 0.5);
    }
    double[] scores = new double[2];
    // arm 1 untried: mean 0, width 1 > arm 0: 20*0.5/21 + 1/sqrt(21)
    assertThat(b.choose(new double[][] {x, x}, new Random(1), scores)).isEqualTo(1);
    assertThat(scores[1]).isEqualTo(1.0);
    assertThat(scores[0]).isCloseTo(10.0 / 21 + 1 / Math.sqrt(21), org.assertj.core.api.Assertions.within(1e-12));
    for (int i = 0; i < 50; i++) {
      b.update(1, x, 0);
    }
    assertThat(b.choose(new double[][] {x, x}, new Random(1), null)).isEqualTo(0);
    assertThat(b.choose(new double[][] {null, x}, new Random(1), null)).isEqualTo(1);
    assertThat(b.choose(new double[][] {null, null}, new Random(1), null)).isEqualTo(-1);
  }

  @Test
  void sharedThompsonAndEpsilonGreedyChooseAvailableArms() {
    LinearBandit ts = new LinearBandit(new LinearBandit.Config(LinearBandit.Policy.THOMPSON, 2, true, 0.5, 1, 0), 1);
    Random r = new Random(5);
    for (int i = 0; i < 200; i++) {
      ts.update(0, new double[] {1, 0}, r.nextDouble() < 0.8 ? 1 : 0);
      ts.update(0, new double[] {0, 1}, r.nextDouble() < 0.1 ? 1 : 0);
    }
    int first = 0;
    for (int i = 0; i < 100; i++) {
      first += ts.choose(new double[][] {{1, 0}, {0, 1}}, r, null) == 0 ? 1 : 0;
    }
    assertThat(first).isGreaterThan(95);
    LinearBandit eg = new LinearBandit(config(LinearBandit.Policy.EPSILON_GREEDY, 0, 1.0, 1), 3);
    int[] counts = new int[3];
    for (int i = 0; i < 300; i++) {
      counts[eg.choose(new double[][] {{1}, null, {1}}, r, null)]++;
    }
    assertThat(counts[1]).isZero();
    assertThat(counts[0]).isGreaterThan(100);
    assertThat(counts[2]).isGreaterThan(100);
  }

  @Test
  void banditBeatsEpsilonGreedyOnTheSimulation() {
    long seed = 42;
    System.out.println("LinearBanditTest seed=" + seed);
    BanditSimulation sim = new BanditSimulation(new BanditSimulation.World(8, 4, 30_000, seed));
    int d = 1 + 4 + 3;
    double ucb = sim.run("linucb", config(LinearBandit.Policy.LINUCB, 1.0, 0, d), 10).total();
    double ts = sim.run("thompson", config(LinearBandit.Policy.THOMPSON, 0.2, 0, d), 10).total();
    double eg = sim.run("eg", config(LinearBandit.Policy.EPSILON_GREEDY, 0, 0.1, d), 10).total();
    System.out.printf("regret after 30k: linucb %.1f thompson %.1f epsilon-greedy %.1f%n", ucb, ts, eg);
    assertThat(ucb).isLessThan(eg);
    assertThat(ts).isLessThan(eg);
  }

  @Test
  void sharedModelLearnsFreshItemsItNeverSawBefore() {
    long seed = 1;
    System.out.println("LinearBanditTest items seed=" + seed);
    BanditSimulation sim = new BanditSimulation(new BanditSimulation.World(8, 4, 40_000, seed));
    double ucb = sim.runItems("linucb", new LinearBandit.Config(LinearBandit.Policy.LINUCB, 13, true, 1.0, 1, 0), 10, 10).total();
    double ts = sim.runItems("thompson", new LinearBandit.Config(LinearBandit.Policy.THOMPSON, 13, true, 0.2, 1, 0), 10, 10).total();
    double eg = sim.runItems("eg", new LinearBandit.Config(LinearBandit.Policy.EPSILON_GREEDY, 13, true, 0, 1, 0.1), 10, 10).total();
    System.out.printf("items regret after 40k: linucb %.1f thompson %.1f epsilon-greedy %.1f%n", ucb, ts, eg);
    assertThat(ucb).isLessThan(eg);
    assertThat(ts).isLessThan(eg);
    assertThatThrownBy(() -> sim.runItems("x", config(LinearBandit.Policy.LINUCB, 1, 0, 13), 10, 10)).hasMessageContaining("shared");
  }

  @Test
  void configNamesTheBadField() {
    assertThatThrownBy(() -> config(LinearBandit.Policy.LINUCB, -1, 0, 2)).hasMessageContaining("alpha=-1.0");
    assertThatThrownBy(() -> config(LinearBandit.Policy.LINUCB, 1, 2, 2)).hasMessageContaining("epsilon=2.0");
    assertThatThrownBy(() -> LinearBandit.Policy.parse("ucb")).hasMessageContaining("policy=ucb");
  }
}
