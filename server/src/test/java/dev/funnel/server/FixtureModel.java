package dev.funnel.server;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A hand-checkable test model: every user scores item i as {@code numItems - i} (so smaller ids
 * rank first), the model knows only users with training items except u3, and item j's similarity to item i
 * is {@code 1 / (1 + |i - j|)}. Registered (test scope only) as algorithm {@code server-test}.
 */
final class FixtureModel implements RecallModel {
  static final String NAME = "server-test";
  private static final int PAYLOAD_MAGIC = 0x5E57;

  /** The config record the algorithm contract asks for; {@code boom} makes scoring throw. */
  record Config(boolean boom) {}

  private final Interactions train;
  private final Config config;

  FixtureModel(Interactions train, Config config) {
    this.train = train;
    this.config = config;
  }

  /**
   * Users u0..u4, items i0..i9:
   * u0 = {i0, i1, i2}, u1 = {i0, i3}, u2 = {i0, i1}, u3 = {i5}, u4 = {}; the model knows neither u3 nor u4.
   * Item degrees: i0 3, i1 2, i2 1, i3 1, i5 1, the rest 0.
   */
  static SavedModel saved(boolean boom) {
    IdMap users = new IdMap();
    for (int u = 0; u < 5; u++) {
      users.getOrAdd("u" + u);
    }
    IdMap items = new IdMap();
    for (int i = 0; i < 10; i++) {
      items.getOrAdd("i" + i);
    }
    int[] ptr = {0, 3, 5, 7, 8, 8};
    int[] cols = {0, 1, 2, 0, 3, 0, 1, 5};
    Interactions train = new Interactions(5, 10, ptr, cols, new float[cols.length], new long[cols.length]);
    return SavedModel.of(new FixtureModel(train, new Config(boom)), users, items, train);
  }

  @Override
  public String algorithm() {
    return NAME;
  }

  @Override
  public Record config() {
    return config;
  }

  @Override
  public int numUsers() {
    return train.numUsers();
  }

  @Override
  public int numItems() {
    return train.numItems();
  }

  @Override
  public void scoreUser(int user, float[] out) {
    if (config.boom()) {
      throw new IllegalStateException("boom for user " + user);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = numItems() - i;
    }
  }

  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0 && user != 3;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    float[] scores = new float[numItems()];
    for (int j = 0; j < scores.length; j++) {
      scores[j] = j == item ? Float.NEGATIVE_INFINITY : 1f / (1 + Math.abs(item - j));
    }
    return TopK.select(scores, k, filter);
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(PAYLOAD_MAGIC);
  }

  /** The algorithm entry so model files holding a fixture model can be written and read back. */
  public static final class Algorithm implements RecallAlgorithm<Config> {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String summary() {
      return "test-only fixture model for the server tests";
    }

    @Override
    public Config defaultConfig() {
      return new Config(false);
    }

    @Override
    public RecallModel train(Interactions train, Config config, TrainContext context) {
      return new FixtureModel(train, config);
    }

    @Override
    public RecallModel read(DataInput in, Config config, Interactions train) throws IOException {
      int magic = in.readInt();
      if (magic != PAYLOAD_MAGIC) {
        throw new IOException("bad fixture payload " + magic);
      }
      return new FixtureModel(train, config);
    }
  }
}
