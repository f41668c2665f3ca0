package dev.funnel.pipeline;

import dev.funnel.recall.ModelRecommender.Scored;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One scene: recall channels -> merge -> filters -> (optional pre-rank) -> rank (or score fusion; in ads
 * mode then the eCPM order) -> re-rank -> page.
 *
 * <p><b>Filters are pushed down.</b> The request's filters (the built-in ones: per-request exclude,
 * allow-list, the anchor item, catalogue availability; then the scene's: seen, negative feedback,
 * business rules) are combined into one predicate that every channel evaluates during its own
 * selection, so a channel returns fewer items than asked only when it has no more valid ones: a
 * filter never leaves the response short while valid items remain. The merged candidates are
 * checked once more (for channels that do not honour the contract).
 *
 * <p><b>Budget.</b> Channel quotas are scaled down proportionally when they add up to more than the
 * candidate budget; each channel is asked for {@code ceil(quota × overFetch)} items. The merge keeps
 * each channel's first {@code quota} items (union, dedup, every item keeping all its channels and
 * per-channel scores), then back-fills round-robin from the over-fetched rest while the candidates do
 * not cover the page ({@code offset + k}).
 *
 * <p><b>Timeouts.</b> Channels run concurrently on the given executor, each with its own timeout from
 * the start of the request; a channel that times out or throws is left out and named in
 * {@link PipelineResult#degraded()}; the response still comes.
 *
 * <p>Immutable and thread-safe; per-request state lives in the call.
 */
public final class Pipeline {
  /**
   * A channel with its quota (candidates kept within the budget) and timeout.
   *
   * @param inline run on the request thread after the pooled channels were handed out, instead of as
   *     an executor task: for channels cheaper than the hand-off (a popularity list, a short item-to-item
   *     expansion). An inline channel cannot be interrupted, so its timeout is not enforced; one that
   *     throws still degrades the response.
   */
  public record ChannelSlot(Channel channel, int quota, long timeoutMillis, boolean inline) {
    /** A pooled channel. */
    public ChannelSlot(Channel channel, int quota, long timeoutMillis) {
      this(channel, quota, timeoutMillis, false);
    }

    public ChannelSlot {
      Objects.requireNonNull(channel, "channel");
      if (quota < 1) {
        throw new IllegalArgumentException("quota must be positive; quota=" + quota);
      }
      if (timeoutMillis < 1) {
        throw new IllegalArgumentException("timeoutMillis must be positive; timeoutMillis=" + timeoutMillis);
      }
    }
  }

  /**
   * The optional pre-rank stage, between the filters and the rank stage: a cheap {@link Ranker} orders
   * the merged candidates and only its best {@code keep} reach the (expensive) rank stage.
   *
   * <p><b>Paging.</b> The rank stage sees the pre-rank's order in blocks of {@code keep}: the first
   * {@code keep} candidates, then (only for a page reaching deeper than {@code keep}, i.e.
   * {@code offset + k > keep}) the next {@code keep}, each block scored and sorted on its own and placed
   * after the blocks before it. Block b is the same list whatever the page asked, so the ranking does
   * not depend on the page: page 2 never repeats page 1 (with re-rankers that keep the order).
   */
  public record PrerankSlot(Ranker ranker, int keep) {
    public PrerankSlot {
      Objects.requireNonNull(ranker, "ranker");
      if (keep < 1) {
        throw new IllegalArgumentException("keep must be positive; keep=" + keep);
      }
    }
  }

  private static final java.util.Comparator<Candidate> BY_SCORE = (a, b) -> Float.compare(b.score(), a.score());

  private final PrerankSlot prerank;
  private final dev.funnel.pipeline.ads.AdsMode ads;
  private final String ranking;
  private final String name;
  private final List<ChannelSlot> channels;
  private final int budget;
  private final double overFetch;
  private final List<Filter> filters;
  private final Ranker ranker;
  private final List<Reranker> rerankers;
  private final PipelineResources resources;
  private final ExecutorService executor;
  private final long deadlineMillis;

  /**
   * @param budget total candidates kept after the merge (quotas are scaled down to fit)
   * @param overFetch each channel is asked for {@code quota × overFetch} items (&gt;= 1)
   * @param executor where channels run (one task per channel per request; a timed-out one is interrupted)
   */
  public Pipeline(String name, List<ChannelSlot> channels, int budget, double overFetch, List<Filter> filters, Ranker ranker,
      List<Reranker> rerankers, PipelineResources resources, ExecutorService executor) {
    this(name, channels, budget, overFetch, filters, ranker, rerankers, resources, executor, null, null);
  }

  /**
   * @param prerank the pre-rank stage, or null for none
   * @param ads ads mode (eCPM order of the items with a bid), or null; needs a ranker whose score is a
   *     probability ({@link Ranker#probability()})
   */
  public Pipeline(String name, List<ChannelSlot> channels, int budget, double overFetch, List<Filter> filters, Ranker ranker,
      List<Reranker> rerankers, PipelineResources resources, ExecutorService executor, PrerankSlot prerank,
      dev.funnel.pipeline.ads.AdsMode ads) {
    this(name, channels, budget, overFetch, filters, ranker, rerankers, resources, executor, prerank, ads, 0);
  }

  /**
   * @param deadlineMillis the request's budget for the stages after recall (0: none): a pre-rank, rank or
   *     re-rank stage that would start after this many milliseconds from the request's start is skipped
   *     and named in {@link PipelineResult#degraded()}; a stage already running is not interrupted
   */
  public Pipeline(String name, List<ChannelSlot> channels, int budget, double overFetch, List<Filter> filters, Ranker ranker,
      List<Reranker> rerankers, PipelineResources resources, ExecutorService executor, PrerankSlot prerank,
      dev.funnel.pipeline.ads.AdsMode ads, long deadlineMillis) {
    if (deadlineMillis < 0) {
      throw new IllegalArgumentException("deadlineMillis must be >= 0 (0: none); deadlineMillis=" + deadlineMillis);
    }
    this.deadlineMillis = deadlineMillis;
    if (ads != null && !ranker.probability()) {
      throw new IllegalArgumentException("ads mode orders by eCPM = pCTR x bid x 1000 and needs a rank stage whose score is a probability "
          + "(pCTR), such as model-ranker; '" + ranker.description() + "' is not; ranking=" + ranker.description());
    }
    this.prerank = prerank;
    this.ads = ads;
    this.ranking = ads == null ? ranker.description() : "ecpm:" + ranker.description();
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("a scene needs at least one channel; channels=[]");
    }
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be positive; budget=" + budget);
    }
    if (!(overFetch >= 1.0) || Double.isInfinite(overFetch)) {
      throw new IllegalArgumentException("overFetch must be >= 1; overFetch=" + overFetch);
    }
    Set<String> names = new HashSet<>();
    for (ChannelSlot s : channels) {
      if (!names.add(s.channel().name())) {
        throw new IllegalArgumentException("two channels named '" + s.channel().name() + "'");
      }
    }
    this.name = name;
    this.channels = List.copyOf(channels);
    this.budget = budget;
    this.overFetch = overFetch;
    this.filters = List.copyOf(filters);
    this.ranker = Objects.requireNonNull(ranker, "ranker");
    this.rerankers = List.copyOf(rerankers);
    this.resources = Objects.requireNonNull(resources, "resources");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  public String name() {
    return name;
  }

  public List<ChannelSlot> channels() {
    return channels;
  }

  public int budget() {
    return budget;
  }

  public double overFetch() {
    return overFetch;
  }

  public List<Filter> filters() {
    return filters;
  }

  public Ranker ranker() {
    return ranker;
  }

  public List<Reranker> rerankers() {
    return rerankers;
  }

  /** The pre-rank stage, or null. */
  /** The budget of the stages after recall in milliseconds from the request's start; 0 for none. */
  public long deadlineMillis() {
    return deadlineMillis;
  }

  public PrerankSlot prerank() {
    return prerank;
  }

  /** Ads mode, or null. */
  public dev.funnel.pipeline.ads.AdsMode ads() {
    return ads;
  }

  /** What responses report as {@code ranking}: the rank stage's description, {@code ecpm:}-prefixed in ads mode. */
  public String ranking() {
    return ranking;
  }

  /** Each channel's quota after scaling the quotas to the budget (at least 1 each). */
  public int[] effectiveQuotas() {
    long sum = 0;
    for (ChannelSlot s : channels) {
      sum += s.quota();
    }
    int[] q = new int[channels.size()];
    for (int c = 0; c < q.length; c++) {
      int quota = channels.get(c).quota();
      q[c] = sum <= budget ? quota : (int) Math.max(1, (long) quota * budget / sum);
    }
    return q;
  }

  public PipelineResult run(PipelineRequest request) {
    long start = System.nanoTime();
    List<Trace.StageStep> steps = new ArrayList<>();
    Map<String, AtomicInteger> rejected = new LinkedHashMap<>();
    Predicate<String> admissible = admissible(request, rejected, true);
    Predicate<String> recheck = admissible(request, null, false);
    steps.add(new Trace.StageStep("filters:prepare", 0, 0, micros(start)));

    // Recall: every channel at once, each with its own deadline counted from the request's start.
    int depth = request.depth();
    int[] quotas = effectiveQuotas();
    long quotaSum = 0;
    for (int q : quotas) {
      quotaSum += q;
    }
    // A page deeper than the budget widens every quota alike, or the back-fill could not reach it.
    double widen = Math.max(1.0, (double) depth / quotaSum);
    int n = channels.size();
    int[] limits = new int[n];
    @SuppressWarnings("unchecked")
    Future<List<Scored>>[] futures = new Future[n];
    long[] took = new long[n];
    long recallStart = System.nanoTime();
    for (int c = 0; c < n; c++) {
      quotas[c] = (int) Math.min(Integer.MAX_VALUE / 4, Math.ceil(quotas[c] * widen));
      limits[c] = (int) Math.min(Integer.MAX_VALUE / 4, Math.ceil(quotas[c] * overFetch));
      Channel channel = channels.get(c).channel();
      int limit = limits[c];
      int slot = c;
      if (channels.get(c).inline()) {
        continue;
      }
      futures[c] = executor.submit(() -> {
        long t = System.nanoTime();
        List<Scored> got = channel.recall(request, limit, admissible);
        took[slot] = System.nanoTime() - t;
        return got == null ? List.<Scored>of() : got;
      });
    }
    // Inline channels run here, while the pooled ones run on the executor.
    List<List<Scored>> inlineLists = new ArrayList<>(java.util.Collections.nCopies(n, null));
    RuntimeException[] inlineFailures = new RuntimeException[n];
    for (int c = 0; c < n; c++) {
      if (channels.get(c).inline()) {
        long t = System.nanoTime();
        try {
          List<Scored> got = channels.get(c).channel().recall(request, limits[c], admissible);
          inlineLists.set(c, got == null ? List.of() : got);
        } catch (RuntimeException e) {
          inlineFailures[c] = e;
        }
        took[c] = System.nanoTime() - t;
      }
    }
    List<List<Scored>> lists = new ArrayList<>(n);
    List<PipelineResult.Degraded> degraded = new ArrayList<>();
    String[] status = new String[n];
    for (int c = 0; c < n; c++) {
      ChannelSlot slot = channels.get(c);
      if (slot.inline()) {
        RuntimeException e = inlineFailures[c];
        if (e == null) {
          status[c] = "ok";
          lists.add(inlineLists.get(c));
        } else {
          String reason = failure(e);
          status[c] = reason;
          degraded.add(new PipelineResult.Degraded(slot.channel().name(), reason));
          lists.add(List.of());
        }
        continue;
      }
      long remaining = slot.timeoutMillis() * 1_000_000L - (System.nanoTime() - start);
      List<Scored> got = List.of();
      try {
        got = futures[c].get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        status[c] = "ok";
      } catch (TimeoutException e) {
        futures[c].cancel(true); // interrupts a channel that is still running
        status[c] = "timeout";
        degraded.add(new PipelineResult.Degraded(slot.channel().name(), "timeout after " + slot.timeoutMillis() + " ms"));
      } catch (ExecutionException | CancellationException e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String reason = failure(cause);
        status[c] = reason;
        degraded.add(new PipelineResult.Degraded(slot.channel().name(), reason));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for channel '" + slot.channel().name() + "'", e);
      }
      lists.add(got);
    }
    int proposed = 0;
    for (List<Scored> l : lists) {
      proposed += l.size();
    }
    steps.add(new Trace.StageStep("recall", 0, proposed, micros(recallStart)));

    // Merge: each channel's first quota items, then round-robin back-fill from the over-fetch.
    long mergeStart = System.nanoTime();
    Map<String, Candidate> merged = new LinkedHashMap<>((int) Math.min(1 << 20, proposed / 0.75 + 1)); // sized once: no rehash
    int[] kept = new int[n];
    int[] next = new int[n];
    for (int c = 0; c < n; c++) {
      List<Scored> l = lists.get(c);
      String channel = channels.get(c).channel().name();
      while (next[c] < l.size() && kept[c] < quotas[c]) {
        if (take(merged, channel, l, next[c]++, recheck, rejected)) {
          kept[c]++;
        }
      }
    }
    boolean more = true;
    while (merged.size() < depth && more) {
      more = false;
      for (int c = 0; c < n && merged.size() < depth; c++) {
        List<Scored> l = lists.get(c);
        String channel = channels.get(c).channel().name();
        while (next[c] < l.size()) {
          more = true;
          if (take(merged, channel, l, next[c]++, recheck, rejected)) {
            kept[c]++;
            break;
          }
        }
      }
    }
    // Channels that propose an item kept through another channel still add their score and rank to it.
    for (int c = 0; c < n; c++) {
      List<Scored> l = lists.get(c);
      String channel = channels.get(c).channel().name();
      for (int r = next[c]; r < l.size(); r++) {
        Candidate cand = merged.get(l.get(r).item());
        if (cand != null) {
          cand.proposedBy(channel, r, l.get(r).score());
        }
      }
    }
    List<Candidate> candidates = new ArrayList<>(merged.values());
    steps.add(new Trace.StageStep("merge", proposed, candidates.size(), micros(mergeStart)));

    if (prerank != null && late(start, "prerank", degraded)) {
      // skipped: the rank stage gets the merged candidates
    } else if (prerank != null) {
      try {
        candidates = prerank(request, candidates, depth, steps);
      } catch (RuntimeException e) {
        // A failing pre-rank degrades the response: the rank stage gets the merged candidates as they are.
        degraded.add(new PipelineResult.Degraded("prerank", failure(e)));
      }
    }

    // Rank: one call for all candidates, then a stable sort (ties keep the merge order).
    long rankStart = System.nanoTime();
    int rankIn = candidates.size();
    long[] adsNanos = new long[1];
    try {
      if (late(start, "rank", degraded)) {
        // Skipped: the merge (or pre-rank) order serves; ads mode has no pCTR, so no ads.
        candidates = ads == null ? candidates : new ArrayList<>();
      } else {
        candidates = rank(request, candidates, adsNanos);
      }
    } catch (RuntimeException e) {
      // A failing ranker degrades the response instead of failing it: the candidates keep the merge (or
      // pre-rank) order, their scores are not the ranker's, and ads mode, which needs pCTR, serves none.
      degraded.add(new PipelineResult.Degraded("rank", failure(e)));
      if (ads != null) {
        candidates = new ArrayList<>();
      }
    }
    steps.add(new Trace.StageStep("rank", rankIn, rankIn, micros(rankStart) - adsNanos[0] / 1000));
    if (ads != null) {
      steps.add(new Trace.StageStep("ads:ecpm", rankIn, candidates.size(), adsNanos[0] / 1000));
    }

    for (Reranker r : rerankers) {
      long t = System.nanoTime();
      int in = candidates.size();
      if (late(start, "rerank:" + r.name(), degraded)) {
        continue;
      }
      try {
        candidates = r.rerank(request, new ArrayList<>(candidates), depth, recheck);
      } catch (RuntimeException e) {
        // Re-rankers refine a ranked list: a failing one is skipped (its input goes on) and named.
        degraded.add(new PipelineResult.Degraded("rerank:" + r.name(), failure(e)));
      }
      steps.add(new Trace.StageStep("rerank:" + r.name(), in, candidates.size(), micros(t)));
    }

    int from = Math.min(request.offset(), candidates.size());
    int to = Math.min(depth, candidates.size());
    List<Candidate> page = Collections.unmodifiableList(new ArrayList<>(candidates.subList(from, to)));
    Trace trace = null;
    if (request.debug()) {
      List<Trace.ChannelStep> cs = new ArrayList<>(n);
      for (int c = 0; c < n; c++) {
        cs.add(new Trace.ChannelStep(channels.get(c).channel().name(), quotas[c], limits[c], lists.get(c).size(), kept[c],
            status[c].equals("ok") ? took[c] / 1000 : micros(start), status[c]));
      }
      Map<String, Integer> rej = new LinkedHashMap<>();
      rejected.forEach((k, v) -> rej.put(k, v.get()));
      List<Trace.TracedItem> items = new ArrayList<>(page.size());
      for (int p = 0; p < page.size(); p++) {
        items.add(Trace.TracedItem.of(page.get(p), from + p));
      }
      steps.add(new Trace.StageStep("total", proposed, page.size(), micros(start)));
      trace = new Trace(ranking, steps, cs, rej, items);
    }
    return new PipelineResult(name, page, ranking, List.copyOf(degraded), trace);
  }

  /**
   * Pre-rank: the cheap scorer orders every merged candidate (stable: ties keep the merge order), and the
   * first {@code keep} go on, or as many blocks of {@code keep} as the page needs ({@link PrerankSlot}).
   */
  private List<Candidate> prerank(PipelineRequest request, List<Candidate> candidates, int depth, List<Trace.StageStep> steps) {
    long t = System.nanoTime();
    int in = candidates.size();
    prerank.ranker().score(request, candidates);
    candidates.sort(BY_SCORE);
    int keep = prerank.keep();
    long blocks = Math.max(1, ((long) depth + keep - 1) / keep);
    int reach = (int) Math.min(in, blocks * keep);
    if (request.debug()) {
      for (int p = 0; p < reach; p++) {
        candidates.get(p).adjust(String.format(java.util.Locale.ROOT, "prerank: %d (%s %.6f)", p, prerank.ranker().description(),
            candidates.get(p).score()));
      }
    }
    List<Candidate> out = reach == in ? candidates : new ArrayList<>(candidates.subList(0, reach));
    steps.add(new Trace.StageStep("prerank", in, reach, micros(t)));
    return out;
  }

  /** The rank stage: one call for all candidates, or with a pre-rank in blocks of keep ({@link PrerankSlot}). */
  private List<Candidate> rank(PipelineRequest request, List<Candidate> candidates, long[] adsNanos) {
    List<Candidate> all = new ArrayList<>(candidates);
    if (prerank == null) {
      rankBlock(request, all, adsNanos);
      return all;
    }
    // Blocks of keep, each scored and sorted alone, so a block's order does not depend on the page.
    List<Candidate> ranked = new ArrayList<>(all.size());
    int keep = prerank.keep();
    for (int from = 0; from < all.size(); from += keep) {
      List<Candidate> block = new ArrayList<>(all.subList(from, Math.min(all.size(), from + keep)));
      rankBlock(request, block, adsNanos);
      ranked.addAll(block);
    }
    return ranked;
  }

  /** Whether the stage must be skipped because the request is past its deadline; if so, names it in {@code degraded}. */
  private boolean late(long start, String stage, List<PipelineResult.Degraded> degraded) {
    if (deadlineMillis == 0) {
      return false;
    }
    long elapsed = System.nanoTime() - start;
    if (elapsed <= deadlineMillis * 1_000_000L) {
      return false;
    }
    degraded.add(new PipelineResult.Degraded(stage, String.format(java.util.Locale.ROOT, "skipped: the request was at %.1f ms, past its "
        + "deadline of %d ms", elapsed / 1e6, deadlineMillis)));
    return true;
  }

  /** A stage's or channel's failure as the response names it. */
  private static String failure(Throwable e) {
    return "failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** The rank stage over one list: scores, in ads mode the eCPM (dropping non-ads), then a stable sort. */
  private void rankBlock(PipelineRequest request, List<Candidate> block, long[] adsNanos) {
    ranker.score(request, block);
    if (ads != null) {
      long t = System.nanoTime();
      ads.apply(block, request.debug()); // drops a non-ad only a channel ignoring the pushed-down filters can bring this far
      adsNanos[0] += System.nanoTime() - t;
    }
    block.sort(BY_SCORE);
  }

  private static boolean take(Map<String, Candidate> merged, String channel, List<Scored> list, int rank, Predicate<String> recheck,
      Map<String, AtomicInteger> rejected) {
    Scored s = list.get(rank);
    Candidate c = merged.get(s.item());
    if (c != null) {
      c.proposedBy(channel, rank, s.score());
      return false;
    }
    if (!recheck.test(s.item())) {
      rejected.computeIfAbsent("after-merge", x -> new AtomicInteger()).incrementAndGet();
      return false;
    }
    c = new Candidate(s.item());
    c.proposedBy(channel, rank, s.score());
    merged.put(s.item(), c);
    return true;
  }

  /**
   * The request's filters in one predicate: the built-in ones, then the scene's, cheapest first as
   * configured. With {@code counting}, each rejection is counted under the filter's name (channels
   * may call it from several threads, hence atomic counters).
   */
  private Predicate<String> admissible(PipelineRequest request, Map<String, AtomicInteger> rejected, boolean counting) {
    List<String> names = new ArrayList<>();
    List<Predicate<String>> tests = new ArrayList<>();
    Set<String> exclude = new HashSet<>(request.exclude());
    if (request.item() != null) {
      exclude.add(request.item());
    }
    if (!exclude.isEmpty()) {
      names.add("exclude");
      tests.add(item -> !exclude.contains(item));
    }
    if (request.allow() != null) {
      Set<String> allow = new HashSet<>(request.allow());
      names.add("allow");
      tests.add(allow::contains);
    }
    names.add("available");
    tests.add(resources::recommendable);
    if (ads != null) {
      names.add("ads:no-bid");
      tests.add(ads::isAd);
    }
    for (Filter f : filters) {
      Predicate<String> p = f.prepare(request);
      if (p != null) {
        names.add(f.name());
        tests.add(p);
      }
    }
    int m = tests.size();
    @SuppressWarnings("unchecked")
    Predicate<String>[] ps = tests.toArray(new Predicate[0]);
    if (!counting) {
      return item -> {
        for (int i = 0; i < m; i++) {
          if (!ps[i].test(item)) {
            return false;
          }
        }
        return true;
      };
    }
    AtomicInteger[] counts = new AtomicInteger[m];
    for (int i = 0; i < m; i++) {
      counts[i] = rejected.computeIfAbsent(names.get(i), x -> new AtomicInteger());
    }
    return item -> {
      for (int i = 0; i < m; i++) {
        if (!ps[i].test(item)) {
          counts[i].incrementAndGet();
          return false;
        }
      }
      return true;
    };
  }

  private static long micros(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1000;
  }
}
