package dev.funnel.recall.swing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import org.junit.jupiter.api.Test;

/** Swing similarities checked against hand computation. */
class SwingTest {
  /** u1 {a,b}, u2 {a,b}, u3 {a,b,c}, u4 {c,d}: ids a=0, b=1, c=2, d=3. */
  private static Interactions data() {
    EventTable e = new EventTable();
    String[][] rows = {{"u1", "a", "b"}, {"u2", "a", "b"}, {"u3", "a", "b", "c"}, {"u4", "c", "d"}};
    for (String[] row : rows) {
      for (int n = 1; n < row.length; n++) {
        e.add(row[0], row[n], 0L, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    return e.toInteractions(DuplicatePolicy.MAX);
  }

  @Test
  void unweightedSwingCountsUserPairsOverTheirOverlap() {
    RecallModel m = new Swing().train(data(), new SwingConfig(10, 1.0, 0.0, 0.0, 100, 100, false, true),
        new TrainContext(1, 3L, Progress.NONE));
    // sim(a,b): pairs (u1,u2) overlap {a,b}, (u1,u3) {a,b}, (u2,u3) {a,b}: 3 * 1/(1+2) = 1.
    ScoredItems s = m.similarItems(0, 1, ItemFilter.ALL);
    assertThat(s.items()).containsExactly(1);
    assertThat((double) s.score(0)).isCloseTo(1.0, within(1e-6));
    // sim(b,c) and sim(a,c): only u3 took both, so no pair: no evidence (fallback score < 0).
    ScoredItems c = m.similarItems(2, 3, ItemFilter.ALL);
    for (int r = 0; r < c.size(); r++) {
      assertThat(c.score(r)).isNegative();
    }
  }

  @Test
  void userWeightsDampHeavyUsers() {
    RecallModel m = new Swing().train(data(), new SwingConfig(10, 1.0, 5.0, 0.35, 100, 100, false, true),
        new TrainContext(2, 3L, Progress.NONE));
    double w12 = Math.pow(7, -0.35); // |I_u1| = |I_u2| = 2
    double w3 = Math.pow(8, -0.35);  // |I_u3| = 3
    double expected = (w12 * w12 + w12 * w3 + w12 * w3) / 3.0;
    assertThat((double) m.similarItems(0, 1, ItemFilter.ALL).score(0)).isCloseTo(expected, within(1e-6));
  }

  @Test
  void sampledTrainingIsReproducibleFromTheSeedWhateverTheThreads() {
    Interactions d = data();
    SwingConfig capped = new SwingConfig(10, 1.0, 5.0, 0.35, 2, 2, true, true);
    long seed = 11L;
    System.out.println("SwingTest seed " + seed);
    RecallModel one = new Swing().train(d, capped, new TrainContext(1, seed, Progress.NONE));
    RecallModel two = new Swing().train(d, capped, new TrainContext(2, seed, Progress.NONE));
    for (int i = 0; i < d.numItems(); i++) {
      assertThat(two.similarItems(i, 3, ItemFilter.ALL)).isEqualTo(one.similarItems(i, 3, ItemFilter.ALL));
    }
  }
}
