package dev.funnel.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.ModelRecommender.Result;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.recall.itemcf.ItemCF;
import dev.funnel.store.Event;
import dev.funnel.util.Progress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Writers and readers at once. Each writer owns its users, so their final state is known exactly;
 * readers check the invariants that must hold whatever the interleaving.
 */
class OnlineConcurrencyTest {
  private static final int ITEMS = 120;
  private static final int NEW_ITEMS = 30;
  private static final int WRITERS = 3;
  private static final int READERS = 2;
  private static final int EVENTS = 3000;
  private static final int HISTORY = 20;
  private static final String[] TYPES = {"click", "purchase", "dislike", "impression", "cart"};

  @Test
  void concurrentWritersAndReadersStayConsistent() throws Exception {
    long seed = System.nanoTime();
    System.out.println("OnlineConcurrencyTest seed=" + seed);
    Random r = new Random(seed);
    EventTable e = new EventTable();
    for (int u = 0; u < 80; u++) {
      for (int n = 1 + r.nextInt(10); n > 0; n--) {
        e.add("m" + u, "i" + r.nextInt(ITEMS), 0L, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    Interactions train = e.toInteractions(DuplicatePolicy.MAX);
    RecallModel model = new ItemCF().train(train, new ItemCF().defaultConfig(), new TrainContext(1, seed, Progress.NONE));
    SavedModel saved = SavedModel.of(model, e.users(), e.items(), train);
    OnlineRecommender.Config d = OnlineRecommender.Config.defaults();
    OnlineRecommender o = new OnlineRecommender("itemcf", saved, EventTypes.defaults(),
        new OnlineRecommender.Config(new UserActivity.Config(10_000, HISTORY, 500, 16), new PopularityCounters.Config(60_000L, 0L, 50, false),
            d.triggerHalfLifeMillis(), OnlineRecommender.ColdStart.TRENDING, true, 10_000),
        null, System::currentTimeMillis);
    o.setAvailabilityByExternalId(item -> !item.equals("i7"));
    EventTypes types = EventTypes.defaults();

    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    double[][] weights = new double[WRITERS][ITEMS + NEW_ITEMS];
    List<Map<String, Expected>> expected = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < WRITERS; t++) {
      int id = t;
      Map<String, Expected> mine = new java.util.HashMap<>();
      expected.add(mine);
      threads.add(new Thread(() -> {
        try {
          Random wr = new Random(seed + 1 + id);
          for (int n = 0; n < EVENTS; n++) {
            String user = "w" + id + "-" + wr.nextInt(40);
            int item = wr.nextInt(ITEMS + NEW_ITEMS);
            String type = TYPES[wr.nextInt(TYPES.length)];
            Event ev = Event.of(user, "i" + item, type, System.currentTimeMillis());
            o.observe(ev);
            float w = types.weight(ev);
            weights[id][item] += w;
            Expected x = mine.computeIfAbsent(user, k -> new Expected());
            x.apply(item, w, types.get(type).negative());
            Result res = o.recommend(user, 10, List.of());
            check(res);
            if (w > 0f || types.get(type).negative()) {
              assertThat(names(res)).as("item just observed by %s", user).doesNotContain("i" + item);
            }
          }
        } catch (Throwable ex) {
          errors.add(ex);
        }
      }));
    }
    for (int t = 0; t < READERS; t++) {
      int id = t;
      threads.add(new Thread(() -> {
        try {
          Random rr = new Random(seed + 100 + id);
          while (!done.get()) {
            String user = rr.nextBoolean() ? "m" + rr.nextInt(80) : "w" + rr.nextInt(WRITERS) + "-" + rr.nextInt(40);
            UserHistory before = o.users().snapshot(user);
            Result res = o.recommend(user, 10, List.of("i3"));
            check(res);
            Set<String> hidden = new HashSet<>();
            for (int i : before.seen()) {
              hidden.add(o.items().external(i));
            }
            for (int i : before.negative()) {
              hidden.add(o.items().external(i));
            }
            hidden.add("i3");
            assertThat(names(res)).as("seen or hidden before the request of %s", user).doesNotContainAnyElementsOf(hidden);
          }
        } catch (Throwable ex) {
          errors.add(ex);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (int t = 0; t < WRITERS; t++) {
      threads.get(t).join(120_000);
    }
    done.set(true);
    for (Thread th : threads) {
      th.join(120_000);
    }
    if (!errors.isEmpty()) {
      AssertionError a = new AssertionError("seed=" + seed + ": " + errors.size() + " thread(s) failed");
      errors.forEach(a::addSuppressed);
      throw a;
    }
    // Final state is exactly the sum of what each writer did.
    for (int i = 0; i < ITEMS + NEW_ITEMS; i++) {
      int online = o.items().get("i" + i);
      int modelId = saved.items().get("i" + i);
      double want = modelId >= 0 ? train.itemDegree(modelId) : 0.0;
      for (int t = 0; t < WRITERS; t++) {
        want += weights[t][i];
      }
      assertThat(online < 0 ? 0.0 : o.popularity().count(online)).as("count of i%d, seed %d", i, seed).isEqualTo(want);
    }
    for (Map<String, Expected> mine : expected) {
      for (Map.Entry<String, Expected> en : mine.entrySet()) {
        UserHistory h = o.users().snapshot(en.getKey());
        Expected x = en.getValue();
        assertThat(externals(o, h.seen())).as("seen of %s", en.getKey()).isEqualTo(x.seen);
        assertThat(externals(o, h.negative())).as("negative of %s", en.getKey()).isEqualTo(x.negative);
        List<String> hist = new ArrayList<>();
        for (int i : h.items()) {
          hist.add(o.items().external(i));
        }
        assertThat(hist).as("history of %s", en.getKey()).containsExactlyElementsOf(x.history);
      }
    }
  }

  private static void check(Result res) {
    List<String> names = names(res);
    assertThat(names).doesNotHaveDuplicates().doesNotContain("i7").hasSize(10);
  }

  private static List<String> names(Result res) {
    return res.items().stream().map(Scored::item).toList();
  }

  private static Set<String> externals(OnlineRecommender o, int[] ids) {
    Set<String> s = new HashSet<>();
    for (int i : ids) {
      s.add(o.items().external(i));
    }
    return s;
  }

  /** The state a writer expects for one of its users. */
  private static final class Expected {
    final Set<String> seen = new HashSet<>();
    final Set<String> negative = new LinkedHashSet<>();
    /** Newest first. */
    final Deque<String> history = new ArrayDeque<>();

    void apply(int item, float w, boolean isNegative) {
      String name = "i" + item;
      if (isNegative) {
        negative.add(name);
      } else if (w > 0f) {
        seen.add(name);
        negative.remove(name);
        history.addFirst(name);
        if (history.size() > HISTORY) {
          history.removeLast();
        }
      }
    }
  }
}
