package dev.funnel.recall.popular;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;

/**
 * The non-personal baseline: items ranked by popularity in the training data,
 * {@code pop(i) = sum over u in U_i of v(u,i) · 2^(-(t_max - t(u,i)) / halfLife)} with v = 1 or the
 * interaction value, and no decay when the half-life is 0.
 */
public final class MostPopular implements RecallAlgorithm<PopularConfig> {
  public static final String NAME = "pop";
  private static final double MILLIS_PER_DAY = 86_400_000.0;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "most popular items (user count or value sum), optional time decay; not personal";
  }

  @Override
  public PopularConfig defaultConfig() {
    return PopularConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, PopularConfig config, TrainContext context) {
    int[] iPtr = train.itemPtr();
    float[] values = train.itemValues();
    long[] times = train.itemTimes();
    long newest = Long.MIN_VALUE;
    for (long t : times) {
      newest = Math.max(newest, t);
    }
    double halfLifeMillis = config.halfLifeDays() * MILLIS_PER_DAY;
    float[] scores = new float[train.numItems()];
    for (int i = 0; i < scores.length; i++) {
      double s = 0;
      for (int q = iPtr[i]; q < iPtr[i + 1]; q++) {
        double v = config.weighting() == PopularConfig.Weighting.USERS ? 1.0 : values[q];
        if (halfLifeMillis > 0) {
          v *= Math.pow(2.0, -(newest - times[q]) / halfLifeMillis);
        }
        s += v;
      }
      scores[i] = (float) s;
    }
    return new MostPopularModel(config, train.numUsers(), scores);
  }

  @Override
  public RecallModel read(DataInput in, PopularConfig config, Interactions train) throws IOException {
    float[] scores = BinaryIO.readFloats(in);
    if (scores.length != train.numItems()) {
      throw new IOException("popularity payload has " + scores.length + " items, the matrix " + train.numItems());
    }
    return new MostPopularModel(config, train.numUsers(), scores);
  }
}
