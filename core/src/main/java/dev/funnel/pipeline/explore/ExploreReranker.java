package dev.funnel.pipeline.explore;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Feedback;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Reranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Exploration: a contextual bandit fills a share of the page's slots. Slot {@code p} (0-based,
 * absolute) explores when {@code floor((p+1)·share) > floor(p·share)}, so a share of 0.1 explores
 * positions 9, 19, ...; the other slots take the ranked candidates in order.
 *
 * <p>Arms ({@code arms:}):
 * <ul>
 *   <li>{@code channels}: each recall channel is an arm with its own linear model (disjoint
 *       LinUCB/TS); the chosen channel places its best not-yet-placed candidate (by the channel's
 *       own rank). Learns which channel earns clicks in which context.</li>
 *   <li>{@code items}: the not-yet-placed candidates themselves are the arms (optionally only those a
 *       named {@code channel} proposed, e.g. a {@code new-items} channel; the first {@code pool} of
 *       them), scored by one shared model over the items' features: fresh items can be tried without
 *       a model per item.</li>
 * </ul>
 * The context {@code x} (12 dims, 15 for items): a bias, the slot's position bucket (0–2, 3–9, 10+),
 * the item's age bucket from the catalogue's {@code published_at} (unknown, &lt; 1 day, &lt; 7 days,
 * older), its popularity bucket from the online counters (0, &lt; 10, &lt; 100, 100+) and, for items,
 * how many channels proposed it (1, 2, 3+) and, per channel listed in {@code features}, whether it
 * proposed the item (a channel one-hot). Every placed candidate carries a {@link Feedback} that the
 * live service calls with the impression and click events of the response's {@code request_id}:
 * an impression adds {@code x xᵀ} to the arm's {@code A}, a click adds {@code x} to its {@code b}
 * ({@link RidgeModel}), so learning is online and order-insensitive.
 *
 * <p>Learning lives in the stage: a scene reload starts a fresh model. Thread-safe.
 */
public final class ExploreReranker implements Reranker {
  /** Channel arms kept at most (channel names come from scene files, so few). */
  static final int MAX_CHANNEL_ARMS = 64;
  static final int BASE_DIM = 12;
  static final int ITEM_DIM = 15;
  private static final long DAY = 86_400_000L;

  /** What the bandit chooses among. */
  public enum Arms { CHANNELS, ITEMS }

  private final String name;
  private final double share;
  private final Arms arms;
  private final String channel;
  private final int pool;
  private final List<String> channelFeatures;
  private final LinearBandit bandit;
  private final PipelineResources resources;
  private final OnlineRecommender counters;
  private final Map<String, Integer> armOf = new ConcurrentHashMap<>();
  private final List<String> armNames = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param share share of slots explored, in (0, 1]
   * @param channel items mode: only candidates this channel proposed (null: any)
   * @param pool items mode: candidates scored per slot
   * @param counters whose popularity counters give the popularity feature (null: bucket 0)
   * @param channelFeatures items mode: channels whose membership is one more feature each (a channel one-hot)
   */
  public ExploreReranker(String name, double share, Arms arms, String channel, int pool, List<String> channelFeatures,
      LinearBandit.Config config, PipelineResources resources, OnlineRecommender counters) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1]; share=" + share);
    }
    if (pool < 1) {
      throw new IllegalArgumentException("pool must be positive; pool=" + pool);
    }
    if (arms == Arms.CHANNELS && !channelFeatures.isEmpty()) {
      throw new IllegalArgumentException("channel features apply to item arms only; channelFeatures=" + channelFeatures);
    }
    int dim = arms == Arms.ITEMS ? ITEM_DIM + channelFeatures.size() : BASE_DIM;
    if (config.dim() != dim || config.shared() != (arms == Arms.ITEMS)) {
      throw new IllegalArgumentException("config must have dim " + dim + " and shared=" + (arms == Arms.ITEMS) + "; config=" + config);
    }
    this.name = name;
    this.share = share;
    this.arms = arms;
    this.channel = channel;
    this.pool = pool;
    this.channelFeatures = List.copyOf(channelFeatures);
    this.bandit = new LinearBandit(config, arms == Arms.ITEMS ? 1 : MAX_CHANNEL_ARMS);
    this.resources = resources;
    this.counters = counters;
  }

  @Override
  public String name() {
    return name;
  }

  public LinearBandit bandit() {
    return bandit;
  }

  /** Channel arms seen so far, in arm order. */
  public List<String> channelArms() {
    return List.copyOf(armNames);
  }

  /** Whether absolute position {@code p} is an exploration slot. */
  public boolean explores(int p) {
    return Math.floor((p + 1) * share + 1e-9) > Math.floor(p * share + 1e-9);
  }

  @Override
  public List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, Predicate<String> admissible) {
    int n = ranked.size();
    int fill = Math.min(depth, n);
    boolean[] placed = new boolean[n];
    List<Candidate> out = new ArrayList<>(n);
    Random random = ThreadLocalRandom.current();
    int next = 0;
    for (int p = 0; p < fill; p++) {
      int pick = explores(p) ? explore(request, ranked, placed, p, random) : -1;
      if (pick < 0) {
        while (placed[next]) {
          next++;
        }
        pick = next;
      }
      placed[pick] = true;
      out.add(ranked.get(pick));
    }
    for (int i = 0; i < n; i++) {
      if (!placed[i]) {
        out.add(ranked.get(i));
      }
    }
    return out;
  }

  /** Chooses and annotates the candidate for exploration slot {@code p}; -1 when there is none. */
  private int explore(PipelineRequest request, List<Candidate> ranked, boolean[] placed, int p, Random random) {
    return arms == Arms.CHANNELS ? exploreChannels(request, ranked, placed, p, random) : exploreItems(request, ranked, placed, p, random);
  }

  private int exploreChannels(PipelineRequest request, List<Candidate> ranked, boolean[] placed, int p, Random random) {
    // Each channel's representative: its best-ranked (by the channel's own rank) unplaced candidate.
    int[] rep = new int[MAX_CHANNEL_ARMS];
    int[] repRank = new int[MAX_CHANNEL_ARMS];
    java.util.Arrays.fill(rep, -1);
    int maxArm = -1;
    for (int i = 0; i < ranked.size(); i++) {
      if (placed[i]) {
        continue;
      }
      for (Map.Entry<String, Integer> e : ranked.get(i).channelRanks().entrySet()) {
        int arm = arm(e.getKey());
        if (arm >= 0 && (rep[arm] < 0 || e.getValue() < repRank[arm])) {
          rep[arm] = i;
          repRank[arm] = e.getValue();
          maxArm = Math.max(maxArm, arm);
        }
      }
    }
    if (maxArm < 0) {
      return -1;
    }
    double[][] contexts = new double[maxArm + 1][];
    for (int a = 0; a <= maxArm; a++) {
      if (rep[a] >= 0) {
        contexts[a] = context(ranked.get(rep[a]), p, request.now(), false);
      }
    }
    double[] scores = new double[contexts.length];
    int arm = bandit.choose(contexts, random, scores);
    if (arm < 0) {
      return -1;
    }
    Candidate c = ranked.get(rep[arm]);
    c.adjust(String.format(Locale.ROOT, "explore: channel %s at %d (%s %.4f)", armNames.get(arm), p, bandit.config().policy().wire(), scores[arm]));
    c.explored(feedback(arm, contexts[arm]));
    return rep[arm];
  }

  private int exploreItems(PipelineRequest request, List<Candidate> ranked, boolean[] placed, int p, Random random) {
    int[] idx = new int[Math.min(pool, ranked.size())];
    int m = 0;
    if (channel == null) {
      for (int i = 0; i < ranked.size() && m < idx.length; i++) {
        if (!placed[i]) {
          idx[m++] = i;
        }
      }
    } else {
      // In the channel's own order: a fresh-items channel's best are often ranked low overall.
      List<int[]> byRank = new ArrayList<>();
      for (int i = 0; i < ranked.size(); i++) {
        Integer r = ranked.get(i).channelRanks().get(channel);
        if (!placed[i] && r != null) {
          byRank.add(new int[] {r, i});
        }
      }
      byRank.sort((a, b) -> Integer.compare(a[0], b[0]));
      for (int j = 0; j < byRank.size() && m < idx.length; j++) {
        idx[m++] = byRank.get(j)[1];
      }
    }
    if (m == 0) {
      return -1;
    }
    double[][] contexts = new double[m][];
    for (int j = 0; j < m; j++) {
      contexts[j] = context(ranked.get(idx[j]), p, request.now(), true);
    }
    double[] scores = new double[m];
    int j = bandit.choose(contexts, random, scores);
    if (j < 0) {
      return -1;
    }
    Candidate c = ranked.get(idx[j]);
    c.adjust(String.format(Locale.ROOT, "explore: item at %d (%s %.4f)", p, bandit.config().policy().wire(), scores[j]));
    c.explored(feedback(0, contexts[j]));
    return idx[j];
  }

  private Feedback feedback(int arm, double[] x) {
    return new Feedback() {
      @Override
      public void impression() {
        bandit.impression(arm, x);
      }

      @Override
      public void click() {
        bandit.click(arm, x);
      }
    };
  }

  private int arm(String channelName) {
    Integer a = armOf.get(channelName);
    if (a != null) {
      return a;
    }
    synchronized (armOf) {
      a = armOf.get(channelName);
      if (a == null) {
        if (armNames.size() >= MAX_CHANNEL_ARMS) {
          return -1;
        }
        a = armNames.size();
        armNames.add(channelName);
        armOf.put(channelName, a);
      }
      return a;
    }
  }

  /** The context vector of placing {@code c} at position {@code p}; see the class comment. */
  double[] context(Candidate c, int p, long now, boolean items) {
    double[] x = new double[items ? ITEM_DIM + channelFeatures.size() : BASE_DIM];
    x[0] = 1;
    x[1 + (p < 3 ? 0 : p < 10 ? 1 : 2)] = 1;
    ItemRecord r = resources.item(c.item());
    int age;
    if (r == null || r.publishedAt() == null) {
      age = 0;
    } else {
      long ms = now - r.publishedAt();
      age = ms < DAY ? 1 : ms < 7 * DAY ? 2 : 3;
    }
    x[4 + age] = 1;
    double count = 0;
    if (counters != null) {
      int id = counters.items().get(c.item());
      count = id < 0 ? 0 : counters.popularity().count(id);
    }
    x[8 + (count <= 0 ? 0 : count < 10 ? 1 : count < 100 ? 2 : 3)] = 1;
    if (items) {
      int channels = c.channelRanks().size();
      x[12 + Math.min(2, Math.max(0, channels - 1))] = 1;
      for (int f = 0; f < channelFeatures.size(); f++) {
        if (c.channelRanks().containsKey(channelFeatures.get(f))) {
          x[ITEM_DIM + f] = 1;
        }
      }
    }
    return x;
  }

  /**
   * {@code explore}: {@code share} (0.1), {@code arms} ({@code channels} or {@code items}),
   * {@code features} (item arms: channels whose membership is a feature),
   * {@code policy} ({@code linucb} or {@code thompson}), {@code alpha} (LinUCB's α or Thompson's v;
   * 1.0 / 0.2), {@code ridge} (1.0), {@code channel} and {@code pool} (50) for item arms,
   * {@code model} (whose popularity counters; default the first by name).
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "explore";
    }

    @Override
    public StageKind kind() {
      return StageKind.RERANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      double share = config.number("share", 0.1, 1e-6, 1.0);
      Arms arms = config.choice("arms", "channels", List.of("channels", "items")).equals("items") ? Arms.ITEMS : Arms.CHANNELS;
      String policyName = config.choice("policy", "linucb", List.of("linucb", "thompson"));
      LinearBandit.Policy policy = LinearBandit.Policy.parse(policyName);
      double alpha = config.number("alpha", policy == LinearBandit.Policy.LINUCB ? 1.0 : 0.2, 0, 100);
      double ridge = config.number("ridge", 1.0, 1e-6, 1e6);
      String channel = config.string("channel", null);
      List<String> features = config.has("features") ? config.strings("features") : List.of();
      if (features.size() > 32) {
        throw config.error("features", features, "at most 32 channels");
      }
      if (arms == Arms.CHANNELS && !features.isEmpty()) {
        throw config.error("features", features, "'features' applies to arms: items only (channel arms have a model each)");
      }
      int pool = config.integer("pool", 50, 1, 10_000);
      if (arms == Arms.CHANNELS && channel != null) {
        throw config.error("channel", channel, "'channel' applies to arms: items only");
      }
      String model = config.string("model", null);
      OnlineRecommender counters = model == null ? resources.activity() : resources.requireModel(config, "model", model);
      boolean items = arms == Arms.ITEMS;
      LinearBandit.Config bc = new LinearBandit.Config(policy, items ? ITEM_DIM + features.size() : BASE_DIM, items, alpha, ridge, 0);
      return new ExploreReranker(config.name(), share, arms, channel, pool, features, bc, resources, counters);
    }
  }
}
