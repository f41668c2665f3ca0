package dev.funnel.recall.neighbors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.HistoryScorer;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.itemcf.ItemCF;
import dev.funnel.recall.itemcf.ItemCFConfig;
import dev.funnel.recall.swing.Swing;
import dev.funnel.recall.swing.SwingConfig;
import dev.funnel.util.Progress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scoring from a given history shares the training path's accumulation and selection. */
class HistoryScorerTest {
  private static Interactions random(long seed) {
    Random r = new Random(seed);
    EventTable e = new EventTable();
    for (int u = 0; u < 60; u++) {
      int n = 1 + r.nextInt(8);
      for (int k = 0; k < n; k++) {
        e.add("u" + u, "i" + r.nextInt(40), 0L, EventTable.DEFAULT_TYPE, 1 + r.nextInt(5));
      }
    }
    return e.toInteractions(DuplicatePolicy.MAX);
  }

  private static RecallModel[] models(Interactions train) {
    TrainContext c = new TrainContext(1, 5L, Progress.NONE);
    return new RecallModel[] {new ItemCF().train(train, new ItemCFConfig(10, 1.0, 0.5, false, false, 1.0, true), c),
        new ItemCF().train(train, new ItemCFConfig(10, 1.0, 0.5, false, false, 1.0, false), c),
        new Swing().train(train, new Swing().defaultConfig(), c)};
  }

  @Test
  void emptyHistoryEqualsRecommendAndTheRowAsHistoryEqualsTheTrainingPath() {
    long seed = 42L;
    System.out.println("HistoryScorerTest seed=" + seed);
    Interactions train = random(seed);
    for (RecallModel m : models(train)) {
      HistoryScorer h = (HistoryScorer) m;
      ItemFilter odd = item -> item % 3 != 1;
      for (int u = 0; u < train.numUsers(); u++) {
        assertThat(h.recommendFromHistory(u, new int[0], new float[0], 7, odd)).isEqualTo(m.recommend(u, 7, odd));
        // The same row given as history: weights 1 (binary) or the stored values.
        int from = train.userPtr()[u];
        int to = train.userPtr()[u + 1];
        int[] items = Arrays.copyOfRange(train.userItems(), from, to);
        boolean binary = m.config() instanceof ItemCFConfig c ? c.binary() : ((SwingConfig) m.config()).binary();
        float[] w = new float[items.length];
        for (int p = 0; p < w.length; p++) {
          w[p] = binary ? 1f : train.userValues()[from + p];
        }
        assertThat(h.recommendFromHistory(items, w, 7, odd)).as("user %d of %s", u, m.config()).isEqualTo(m.recommend(u, 7, odd));
      }
    }
  }

  @Test
  void evidenceFromHistoryIsThePositivePartOfRecommendFromHistoryWithoutAskingAboutTheFill() {
    long seed = 43L;
    System.out.println("HistoryScorerTest evidence seed=" + seed);
    Interactions train = random(seed);
    Random r = new Random(seed);
    for (RecallModel m : models(train)) {
      HistoryScorer h = (HistoryScorer) m;
      for (int round = 0; round < 300; round++) {
        int[] items = new int[1 + r.nextInt(10)];
        float[] w = new float[items.length];
        for (int p = 0; p < items.length; p++) {
          items[p] = r.nextInt(train.numItems());
          w[p] = 0.1f + r.nextFloat();
        }
        int user = r.nextBoolean() ? -1 : r.nextInt(train.numUsers());
        int k = 1 + r.nextInt(r.nextBoolean() ? 5 : train.numItems());
        // A quarter, six in seven or none rejected: the pre-selection's answer and its full-pass fallback.
        int mode = round % 3;
        java.util.function.IntPredicate pass = mode == 0 ? item -> item % 4 != 2 : mode == 1 ? item -> item % 7 == 0 : item -> true;
        ScoredItems all = h.recommendFromHistory(user, items, w, k, pass::test);
        int positive = 0;
        while (positive < all.size() && all.score(positive) > 0f) {
          positive++;
        }
        // The items with evidence: positive scores of an unfiltered full list.
        ScoredItems full = h.recommendFromHistory(user, items, w, train.numItems(), ItemFilter.ALL);
        java.util.Set<Integer> evidence = new java.util.HashSet<>();
        for (int n = 0; n < full.size() && full.score(n) > 0f; n++) {
          evidence.add(full.item(n));
        }
        java.util.List<Integer> asked = new java.util.ArrayList<>();
        ItemFilter recording = item -> {
          asked.add(item);
          return pass.test(item);
        };
        ScoredItems got = h.evidenceFromHistory(user, items, w, k, recording);
        assertThat(got.items()).as("round %d of %s", round, m.config()).containsExactly(Arrays.copyOf(all.items(), positive));
        assertThat(got.scores()).containsExactly(Arrays.copyOf(all.scores(), positive));
        assertThat(evidence).as("the filter is asked only about items with evidence, never the popularity fill").containsAll(asked);
      }
    }
  }

  @Test
  void triggersAddToTheTrainingRowWithTheirWeights() {
    EventTable e = new EventTable();
    String[][] rows = {{"u1", "a", "b"}, {"u2", "a", "b", "c"}, {"u3", "b", "c"}, {"u4", "a"}};
    for (String[] row : rows) {
      for (int n = 1; n < row.length; n++) {
        e.add(row[0], row[n], 0L, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    Interactions train = e.toInteractions(DuplicatePolicy.MAX);
    RecallModel m = new ItemCF().train(train, new ItemCFConfig(10, 0.0, 0.5, false, false, 1.0, true), new TrainContext(1, 1L, Progress.NONE));
    HistoryScorer h = (HistoryScorer) m;
    // u4 = {a}; trigger b with weight 0.5: score(c) = sim(a,c) + 0.5 sim(b,c) = 1/sqrt6 + 0.5 * 2/sqrt6.
    ScoredItems s = h.recommendFromHistory(3, new int[] {1}, new float[] {0.5f}, 1, item -> item == 2);
    assertThat(s.items()).containsExactly(2);
    assertThat((double) s.score(0)).isCloseTo(2 / Math.sqrt(6), within(1e-6));
    // Weights that are not positive are ignored; a history alone scores its neighbours only.
    ScoredItems alone = h.recommendFromHistory(new int[] {0, 2}, new float[] {2f, 0f}, 2, item -> item != 0);
    assertThat(alone.items()).containsExactly(1, 2);
    assertThat((double) alone.score(0)).isCloseTo(2 * 2.0 / 3.0, within(1e-6));
    assertThat((double) alone.score(1)).isCloseTo(2 / Math.sqrt(6), within(1e-6));
  }

  @Test
  void badTriggersAreRejected() {
    RecallModel m = models(random(1L))[0];
    HistoryScorer h = (HistoryScorer) m;
    assertThatThrownBy(() -> h.recommendFromHistory(new int[] {m.numItems()}, new float[] {1f}, 3, ItemFilter.ALL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger item " + m.numItems());
    assertThatThrownBy(() -> h.recommendFromHistory(new int[] {0}, new float[0], 3, ItemFilter.ALL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in length");
  }
}
