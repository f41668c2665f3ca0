package dev.funnel.recall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.config.Params;
import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import dev.funnel.util.TopK;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every recall model meets (in the spirit of implicit's RecommenderBaseTestMixin): a
 * subclass names its algorithm (and small-data settings) and inherits every check.
 *
 * <p>Fixture ("checkerboard"): two disjoint groups of {@value #GROUP_USERS} users; group g likes
 * the {@value #BLOCK} items of block g, except that user u holds out item {@code u % BLOCK} of its
 * block. So the held-out item is the only unseen item with evidence, and must rank first; the
 * similar items of an item are the rest of its block. One more user ("cold") has no items.
 */
public abstract class RecallModelContractTest {
  protected static final int GROUP_USERS = 12;
  protected static final int BLOCK = 6;
  protected static final int USERS = 2 * GROUP_USERS;
  protected static final int ITEMS = 2 * BLOCK;

  protected Interactions train;
  protected int coldUser;
  protected RecallModel model;

  /** The registry name of the algorithm under test. */
  protected abstract String algorithmName();

  /** Settings for the tiny fixture (defaults are tuned for real data). */
  protected Map<String, String> fixtureParams() {
    return Map.of();
  }

  @BeforeEach
  void trainOnCheckerboard() {
    EventTable events = new EventTable();
    for (int i = 0; i < ITEMS; i++) {
      events.items().getOrAdd("i" + i); // dense item id = i
    }
    for (int u = 0; u < USERS; u++) {
      int group = u / GROUP_USERS;
      for (int b = 0; b < BLOCK; b++) {
        if (b != heldOut(u) - group * BLOCK) {
          events.add("u" + u, "i" + (group * BLOCK + b), 1000L * (u + b), EventTable.DEFAULT_TYPE, 1f);
        }
      }
    }
    coldUser = events.users().getOrAdd("cold");
    train = events.toInteractions(DuplicatePolicy.MAX);
    model = train(train);
  }

  protected RecallModel train(Interactions data) {
    return trainWith(Registry.recall(algorithmName()), data);
  }

  private <C extends Record> RecallModel trainWith(RecallAlgorithm<C> algorithm, Interactions data) {
    C config = Params.bind(algorithm.defaultConfig(), fixtureParams());
    return algorithm.train(data, config, new TrainContext(2, 7L, Progress.NONE));
  }

  /** The dense item id user u held out. */
  protected static int heldOut(int u) {
    int group = u / GROUP_USERS;
    return group * BLOCK + u % BLOCK;
  }

  protected ItemFilter unseen(int user) {
    BitSet seen = new BitSet();
    for (int i : train.itemsOf(user)) {
      seen.set(i);
    }
    return ItemFilter.excluding(seen);
  }

  @Test
  protected void heldOutItemRanksFirstAmongUnseen() {
    for (int u = 0; u < USERS; u++) {
      ScoredItems top = model.recommend(u, 1, unseen(u));
      assertThat(top.items()).as("user %d", u).containsExactly(heldOut(u));
      assertThat(model.knowsUser(u)).as("knowsUser(%d)", u).isTrue();
    }
  }

  @Test
  protected void similarItemsComeFromTheSameBlockFirst() {
    for (int i = 0; i < ITEMS; i++) {
      ScoredItems similar = model.similarItems(i, BLOCK - 1, ItemFilter.ALL);
      assertThat(similar.size()).as("item %d", i).isEqualTo(BLOCK - 1);
      for (int item : similar.items()) {
        assertThat(item / BLOCK).as("neighbour %d of item %d", item, i).isEqualTo(i / BLOCK);
      }
    }
  }

  @Test
  void recommendRespectsKAndFilterAndOrder() {
    for (int u = 0; u <= coldUser; u++) {
      ItemFilter filter = unseen(u).and(item -> item % 3 != 1);
      ScoredItems r = model.recommend(u, 3, filter);
      assertThat(r.size()).as("user %d", u).isEqualTo(3);
      for (int n = 0; n < r.size(); n++) {
        assertThat(filter.accept(r.item(n))).as("user %d item %d passes the filter", u, r.item(n)).isTrue();
        assertThat(Float.isFinite(r.score(n))).as("finite score").isTrue();
        if (n > 0) {
          boolean ordered = r.score(n - 1) > r.score(n) || (r.score(n - 1) == r.score(n) && r.item(n - 1) < r.item(n));
          assertThat(ordered).as("user %d sorted best-first at rank %d: %s", u, n, r).isTrue();
        }
      }
      assertThat(model.recommend(u, 0, filter).size()).isZero();
      assertThat(model.recommend(u, 1000, ItemFilter.ALL).size()).as("k larger than the catalogue").isEqualTo(ITEMS);
      ScoredItems unseenOnly = model.recommend(u, 1000, unseen(u));
      assertThat(unseenOnly.size()).isEqualTo(ITEMS - train.userDegree(u));
      for (int item : unseenOnly.items()) {
        assertThat(train.contains(u, item)).as("user %d got train item %d", u, item).isFalse();
      }
    }
  }

  @Test
  void recommendEqualsFullSortOfScoreUser() {
    float[] scores = new float[model.numItems()];
    for (int u = 0; u <= coldUser; u++) {
      model.scoreUser(u, scores);
      for (float s : scores) {
        assertThat(Float.isNaN(s)).isFalse();
      }
      for (int k : new int[] {1, 5, ITEMS}) {
        assertThat(model.recommend(u, k, unseen(u))).as("user %d k %d", u, k).isEqualTo(TopK.select(scores, k, unseen(u)));
      }
    }
  }

  @Test
  protected void coldUserStillGetsAFullList() {
    assertThat(model.knowsUser(coldUser)).isFalse();
    assertThat(model.recommend(coldUser, 5, ItemFilter.ALL).size()).isEqualTo(5);
  }

  /**
   * A block of users scored at once (full-sort evaluation's path; a factor model's is one GEMM, summed in
   * another order) gives each user's scoreUser values up to float rounding, row by row, and nothing past
   * the block.
   */
  @Test
  void scoreUsersEqualsScoreUserPerRow() {
    int n = model.numItems();
    for (int[] block : new int[][] {{0, coldUser + 1}, {1, Math.min(3, coldUser + 1)}, {coldUser, coldUser + 1}}) {
      int rows = block[1] - block[0];
      float[] out = new float[rows * n + 5];
      java.util.Arrays.fill(out, 12345f);
      model.scoreUsers(block[0], block[1], out);
      float[] one = new float[n];
      for (int u = block[0]; u < block[1]; u++) {
        model.scoreUser(u, one);
        for (int i = 0; i < n; i++) {
          float got = out[(u - block[0]) * n + i];
          assertThat(got).as("user %d item %d", u, i)
              .isCloseTo(one[i], org.assertj.core.data.Offset.offset(1e-5f * (1f + Math.abs(one[i]))));
        }
      }
      for (int p = rows * n; p < out.length; p++) {
        assertThat(out[p]).as("written past the block at %d", p).isEqualTo(12345f);
      }
    }
  }

  @Test
  void recommendBatchEqualsOneByOne() {
    int[] users = new int[coldUser + 1];
    for (int u = 0; u < users.length; u++) {
      users[u] = u;
    }
    ItemFilter filter = item -> item != 2;
    ScoredItems[] batch = model.recommendBatch(users, 4, filter);
    for (int u = 0; u < users.length; u++) {
      assertThat(batch[u]).as("user %d", u).isEqualTo(model.recommend(u, 4, filter));
    }
  }

  @Test
  void similarItemsNeverReturnsTheItemAndRespectsFilter() {
    for (int i = 0; i < ITEMS; i++) {
      ItemFilter filter = item -> item % 2 == 0;
      ScoredItems s = model.similarItems(i, 4, filter);
      assertThat(s.size()).as("item %d", i).isEqualTo(4);
      for (int j : s.items()) {
        assertThat(j).isNotEqualTo(i);
        assertThat(j % 2).isZero();
      }
      assertThat(model.similarItems(i, 1000, ItemFilter.ALL).size()).isEqualTo(ITEMS - 1);
    }
  }

  @Test
  void saveAndLoadGivesIdenticalAnswers() throws IOException {
    EventTable ids = new EventTable();
    for (int u = 0; u < train.numUsers(); u++) {
      ids.users().getOrAdd("user-" + u);
    }
    for (int i = 0; i < train.numItems(); i++) {
      ids.items().getOrAdd("item-" + i);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelFile.write(bytes, SavedModel.of(model, ids.users(), ids.items(), train));
    SavedModel loaded = ModelFile.read(new ByteArrayInputStream(bytes.toByteArray()));
    RecallModel copy = loaded.model();
    assertThat(copy.algorithm()).isEqualTo(algorithmName());
    assertThat(copy.config()).isEqualTo(model.config());
    float[] a = new float[ITEMS];
    float[] b = new float[ITEMS];
    for (int u = 0; u <= coldUser; u++) {
      assertThat(copy.recommend(u, ITEMS, unseen(u))).isEqualTo(model.recommend(u, ITEMS, unseen(u)));
      model.scoreUser(u, a);
      copy.scoreUser(u, b);
      assertThat(b).isEqualTo(a);
      assertThat(copy.knowsUser(u)).isEqualTo(model.knowsUser(u));
    }
    for (int i = 0; i < ITEMS; i++) {
      assertThat(copy.similarItems(i, 5, ItemFilter.ALL)).isEqualTo(model.similarItems(i, 5, ItemFilter.ALL));
    }
  }

  @Test
  void concurrentReadersGetIdenticalAnswers() throws Exception {
    List<ScoredItems> reference = answers();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<ScoredItems>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> {
          List<ScoredItems> last = null;
          for (int rep = 0; rep < 20; rep++) {
            last = answers();
          }
          return last;
        }));
      }
      for (Future<List<ScoredItems>> f : futures) {
        assertThat(f.get()).isEqualTo(reference);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private List<ScoredItems> answers() {
    List<ScoredItems> out = new ArrayList<>();
    for (int u = 0; u <= coldUser; u++) {
      out.add(model.recommend(u, 5, unseen(u)));
    }
    for (int i = 0; i < ITEMS; i++) {
      out.add(model.similarItems(i, 3, ItemFilter.ALL));
    }
    return out;
  }
}
