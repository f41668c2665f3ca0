package dev.funnel.online;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.itemcf.ItemCF;
import dev.funnel.recall.itemcf.ItemCFConfig;
import dev.funnel.util.Progress;

/**
 * A hand-checkable ItemCF model. Users u1 {a,b}, u2 {a,b,c}, u3 {b,c}, u4 {a}, u5 {d,e}; items
 * a=0, b=1, c=2, d=3, e=4; degrees a 3, b 3, c 2, d 1, e 1. Plain cosine (no shrink, alpha 0.5,
 * binary): sim(a,b) = 2/3, sim(a,c) = 1/sqrt6, sim(b,c) = 2/sqrt6, sim(d,e) = 1.
 */
final class Fixture {
  static final double SIM_AB = 2.0 / 3.0;
  static final double SIM_AC = 1 / Math.sqrt(6);
  static final double SIM_BC = 2 / Math.sqrt(6);

  private Fixture() {}

  static SavedModel itemcf() {
    return itemcf(false);
  }

  /** The same model; {@code reordered} gives users and items other dense ids (d=0, e=1, c=2, b=3, a=4). */
  static SavedModel itemcf(boolean reordered) {
    EventTable e = new EventTable();
    String[][] rows = reordered
        ? new String[][] {{"u5", "d", "e"}, {"u3", "c", "b"}, {"u2", "c", "b", "a"}, {"u1", "b", "a"}, {"u4", "a"}}
        : new String[][] {{"u1", "a", "b"}, {"u2", "a", "b", "c"}, {"u3", "b", "c"}, {"u4", "a"}, {"u5", "d", "e"}};
    for (String[] row : rows) {
      for (int n = 1; n < row.length; n++) {
        e.add(row[0], row[n], 0L, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    Interactions train = e.toInteractions(DuplicatePolicy.MAX);
    RecallModel model = new ItemCF().train(train, new ItemCFConfig(10, 0.0, 0.5, false, false, 1.0, true),
        new TrainContext(1, 1L, Progress.NONE));
    return SavedModel.of(model, e.users(), e.items(), train);
  }

  /** A clock the test moves by hand. */
  static final class Clock implements java.util.function.LongSupplier {
    long now;

    Clock(long now) {
      this.now = now;
    }

    @Override
    public long getAsLong() {
      return now;
    }
  }
}
