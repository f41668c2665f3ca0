package dev.funnel.recall.itemcf;

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

/** ItemCF similarities and scores checked against hand computation. */
class ItemCFTest {
  /** u1 {a,b}, u2 {a,b,c}, u3 {b,c}, u4 {a}: a=0, b=1, c=2; |U_a|=3, |U_b|=3, |U_c|=2. */
  private static Interactions data() {
    EventTable e = new EventTable();
    String[][] rows = {{"u1", "a", "b"}, {"u2", "a", "b", "c"}, {"u3", "b", "c"}, {"u4", "a"}};
    for (String[] row : rows) {
      for (int n = 1; n < row.length; n++) {
        e.add(row[0], row[n], 0L, EventTable.DEFAULT_TYPE, 2f);
      }
    }
    return e.toInteractions(DuplicatePolicy.MAX);
  }

  private static RecallModel train(ItemCFConfig c) {
    return new ItemCF().train(data(), c, new TrainContext(2, 1L, Progress.NONE));
  }

  @Test
  void shrunkCosine() {
    RecallModel m = train(new ItemCFConfig(10, 1.0, 0.5, false, false, 1.0, true));
    // sim(a,b) = 2 / (sqrt(3*3) + 1) = 0.5; sim(a,c) = 1 / (sqrt(3*2) + 1).
    ScoredItems s = m.similarItems(0, 2, ItemFilter.ALL);
    assertThat(s.items()).containsExactly(1, 2);
    assertThat((double) s.score(0)).isCloseTo(0.5, within(1e-6));
    assertThat((double) s.score(1)).isCloseTo(1 / (Math.sqrt(6) + 1), within(1e-6));
    // u4 has only a: score(c) = sim(a,c).
    float[] scores = new float[3];
    m.scoreUser(3, scores);
    assertThat((double) scores[2]).isCloseTo(1 / (Math.sqrt(6) + 1), within(1e-6));
  }

  @Test
  void asymmetricCosineIufExponentAndNormalize() {
    // alpha 1: denominator |U_i| only. iuf: u1 weight 1/ln3, u2 1/ln4, u3 1/ln3, u4 1/ln2.
    double w1 = 1 / Math.log(3);
    double w2 = 1 / Math.log(4);
    double w3 = 1 / Math.log(3);
    double w4 = 1 / Math.log(2);
    double wa = w1 + w2 + w4;
    double wc = w2 + w3;
    RecallModel m = train(new ItemCFConfig(10, 0.0, 1.0, true, false, 2.0, true));
    ScoredItems s = m.similarItems(2, 2, ItemFilter.ALL); // neighbours of c
    double cb = Math.pow((w2 + w3) / wc, 2); // = 1
    double ca = Math.pow(w2 / wc, 2);
    assertThat(s.items()).containsExactly(1, 0);
    assertThat((double) s.score(0)).isCloseTo(cb, within(1e-5));
    assertThat((double) s.score(1)).isCloseTo(ca, within(1e-5));
    ScoredItems fromA = train(new ItemCFConfig(10, 0.0, 1.0, true, true, 1.0, true)).similarItems(0, 2, ItemFilter.ALL);
    // a's row: sim(a,b) = (w1+w2)/wa, sim(a,c) = w2/wa; normalised by the max.
    assertThat(fromA.items()).containsExactly(1, 2);
    assertThat(fromA.score(0)).isEqualTo(1f);
    assertThat((double) fromA.score(1)).isCloseTo(w2 / (w1 + w2), within(1e-5));
  }

  @Test
  void nonBinaryScoringUsesTheStoredValue() {
    RecallModel binary = train(new ItemCFConfig(10, 1.0, 0.5, false, false, 1.0, true));
    RecallModel valued = train(new ItemCFConfig(10, 1.0, 0.5, false, false, 1.0, false));
    float[] a = new float[3];
    float[] b = new float[3];
    binary.scoreUser(3, a);
    valued.scoreUser(3, b);
    assertThat(b[2]).isEqualTo(2f * a[2]);
  }

  @Test
  void neighboursAreCappedAtN() {
    RecallModel m = train(new ItemCFConfig(1, 1.0, 0.5, false, false, 1.0, true));
    ScoredItems s = m.similarItems(0, 2, ItemFilter.ALL);
    assertThat(s.score(0)).isPositive();
    assertThat(s.score(1)).as("second is the popularity fill").isNegative();
  }
}
