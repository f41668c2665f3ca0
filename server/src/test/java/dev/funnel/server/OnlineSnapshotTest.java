package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.PopularityCounters;
import dev.funnel.online.UserHistory;
import dev.funnel.recall.ModelRecommender.Result;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online snapshots on real files: a crash image (the data directory as {@code kill -9} leaves it: every
 * acknowledged batch fsync'd, copied while the service still runs, without its lock) reopened from
 * snapshot + log tail must equal a full replay of the same log, user by user and item by item.
 */
class OnlineSnapshotTest {
  private static final long NOW = 1_700_000_000_000L + 10_000_000L;
  private static final LongSupplier CLOCK = () -> NOW;
  private static final String[] TYPES = {"click", "click", "view", "purchase", "like", "dislike", "impression", "rating"};

  @TempDir
  Path tmp;

  /** Manual snapshots only (no timer surprises), a small idempotency window. */
  private static LiveService.Config config() {
    return LiveService.Config.defaults().withIdempotencyWindow(1000).withSnapshots(new OnlineSnapshot.Config(true, 0, 0, 2));
  }

  private static LiveService.Config noSnapshots() {
    return LiveService.Config.defaults().withIdempotencyWindow(1000).withSnapshots(OnlineSnapshot.Config.disabled());
  }

  private static List<Event> batch(SplittableRandom rnd, int n, long[] ts) {
    List<Event> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String type = TYPES[rnd.nextInt(TYPES.length)];
      float value = type.equals("rating") ? 1 + rnd.nextInt(5) : Float.NaN;
      String id = rnd.nextInt(4) == 0 ? "e" + ts[0] : null;
      String item = rnd.nextInt(10) == 0 ? "new" + rnd.nextInt(30) : new String[] {"a0", "a1", "b0"}[rnd.nextInt(3)] + (rnd.nextBoolean() ? "" : "x" + rnd.nextInt(20));
      out.add(new Event(id, "u" + rnd.nextInt(60), item, type, ts[0]++, value, null, Map.of()));
    }
    return out;
  }

  /** Appends and applies a batch as the HTTP path does (ids reserved, durable first, then applied). */
  private static long ingest(LiveService live, List<Event> events) {
    long seq = appendReserved(live, events);
    live.observe(events, seq);
    return seq;
  }

  private static long appendReserved(LiveService live, List<Event> events) {
    java.util.concurrent.CompletableFuture<Long> pending = new java.util.concurrent.CompletableFuture<>();
    assertThat(live.reserveIds(events, pending)).containsOnlyNulls();
    long seq = live.append(events).join();
    pending.complete(seq);
    return seq;
  }

  /** The directory as a crash leaves it: all files but the lock. */
  /** A seeded source of events; the seed is printed. */
  private static SplittableRandom seeded(long seed) {
    System.out.println("seed " + seed);
    return new SplittableRandom(seed);
  }

  /** Writes the model into {@code data}, opens the service on it and ingests {@code batches} batches of 50 events. */
  private static LiveService openWithBatches(Path data, int batches, SplittableRandom rnd, long[] ts) throws IOException {
    LiveFixture.writeModel(data);
    LiveService live = LiveService.open(data, null, config(), CLOCK);
    try {
      for (int b = 0; b < batches; b++) {
        ingest(live, batch(rnd, 50, ts));
      }
    } catch (RuntimeException e) {
      live.close();
      throw e;
    }
    return live;
  }

  private static Path crashImage(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else if (!p.getFileName().toString().equals(DataDirectory.LOCK_FILE)) {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  private static Path withoutSnapshots(Path from, Path to) throws IOException {
    crashImage(from, to);
    try (Stream<Path> files = Files.walk(to.resolve(DataDirectory.SNAPSHOTS_DIR))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
    return to;
  }

  /** Same users' histories, same counters, same recommendations (personal and popularity) for every user. */
  private static void assertSameState(LiveService a, LiveService b, int users) {
    assertSameState(a, b, users, List.of(), 0);
  }

  /**
   * As above; {@code extraInB}: items b may hold that a does not, with zero counts (an item first seen in an
   * erased user's event stays registered in the running process, and so in its snapshot; a full replay never sees it);
   * {@code extraIds}: idempotency ids b holds beyond a's (an erased event's id is kept, unlinked, so a retry is not stored again).
   */
  private static void assertSameState(LiveService a, LiveService b, int users, List<String> extraInB, int extraIds) {
    OnlineRecommender ra = a.recommenders().values().iterator().next();
    OnlineRecommender rb = b.recommenders().values().iterator().next();
    assertThat(rb.items().size()).isEqualTo(ra.items().size() + extraInB.size());
    PopularityCounters pa = ra.popularity();
    PopularityCounters pb = rb.popularity();
    for (int j = 0; j < rb.items().size(); j++) {
      String item = rb.items().external(j);
      int i = ra.items().get(item);
      if (i < 0) {
        assertThat(extraInB).contains(item);
        assertThat(pb.count(j)).isZero();
        assertThat(pb.trending(j, NOW)).isZero();
        continue;
      }
      assertThat(pb.count(j)).as("count of item %s", item).isEqualTo(pa.count(i));
      // Batches applied out of order add the same terms in another order: equal up to the last bits.
      assertThat(pb.trending(j, NOW)).as("trending of item %s", item).isCloseTo(pa.trending(i, NOW), org.assertj.core.data.Percentage.withPercentage(1e-9));
    }
    // Online ids may differ only by the extra items: compare histories by external id.
    assertThat(rb.users().size()).isEqualTo(ra.users().size());
    for (int u = 0; u < users; u++) {
      String user = "u" + u;
      UserHistory ha = ra.users().snapshot(user);
      UserHistory hb = rb.users().snapshot(user);
      assertThat(externals(rb, hb.items())).as(user).containsExactly(externals(ra, ha.items()));
      assertThat(hb.weights()).as(user).containsExactly(ha.weights());
      assertThat(hb.times()).as(user).containsExactly(ha.times());
      assertThat(externals(rb, hb.seen())).as(user).containsExactly(externals(ra, ha.seen()));
      assertThat(externals(rb, hb.negative())).as(user).containsExactly(externals(ra, ha.negative()));
      Result x = ra.recommend(user, 10, List.of());
      Result y = rb.recommend(user, 10, List.of());
      assertThat(y).as("recommendations of %s", user).isEqualTo(x);
    }
    assertThat(b.idempotencyIds()).isEqualTo(a.idempotencyIds() + extraIds);
  }

  @Test
  void snapshotPlusTailEqualsFullReplay() throws IOException {
    SplittableRandom rnd = seeded(7);
    long[] ts = {1_700_000_000_000L};
    Path data = tmp.resolve("data");
    try (LiveService live = openWithBatches(data, 20, rnd, ts)) {
      // Two batches applied out of order around the cut: the later one is in the snapshot, the earlier is not.
      // (Disjoint users and only model items, so the out-of-order application changes no user's order nor item ids.)
      List<Event> early = new ArrayList<>();
      List<Event> late = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        early.add(new Event("early" + i, "u" + 2 * rnd.nextInt(30), "a" + rnd.nextInt(2), "click", ts[0]++, Float.NaN, null, Map.of()));
      }
      for (int i = 0; i < 30; i++) {
        late.add(new Event(null, "u" + (2 * rnd.nextInt(30) + 1), "b0", "purchase", ts[0]++, Float.NaN, null, Map.of()));
      }
      long seqEarly = appendReserved(live, early);
      long seqLate = appendReserved(live, late);
      live.observe(late, seqLate);
      OnlineSnapshot.Written w = live.snapshots().writeNow().orElseThrow();
      assertThat(w.file().getFileName().toString()).isEqualTo(String.format("online-%020d.snap", seqEarly - early.size()));
      live.observe(early, seqEarly);
      for (int b = 0; b < 5; b++) {
        ingest(live, batch(rnd, 40, ts)); // the tail
      }
      crashImage(data, tmp.resolve("crash"));
      withoutSnapshots(data, tmp.resolve("replay"));
    }
    try (LiveService fromSnapshot = LiveService.open(tmp.resolve("crash"), null, config(), CLOCK);
        LiveService full = LiveService.open(tmp.resolve("replay"), null, noSnapshots(), CLOCK)) {
      assertThat(fromSnapshot.snapshots().loadedFrom()).isNotNull();
      assertThat(full.snapshots().loadedFrom()).isNull();
      assertThat(fromSnapshot.openReport().replayed()).as("only the tail and the early batch are replayed").isEqualTo(5 * 40 + 30);
      assertThat(full.openReport().replayed()).isEqualTo(20 * 50 + 30 + 30 + 5 * 40);
      assertSameState(full, fromSnapshot, 60);
    }
  }

  @Test
  void damagedOrOtherVersionSnapshotIsReportedAndIgnored() throws IOException {
    SplittableRandom rnd = seeded(11);
    long[] ts = {1_700_000_000_000L};
    Path data = tmp.resolve("data");
    try (LiveService live = openWithBatches(data, 10, rnd, ts)) {
      live.snapshots().writeNow().orElseThrow();
      ingest(live, batch(rnd, 50, ts));
      crashImage(data, tmp.resolve("flipped"));
      crashImage(data, tmp.resolve("version"));
      withoutSnapshots(data, tmp.resolve("replay"));
    }
    Path flipped = single(tmp.resolve("flipped"));
    try (RandomAccessFile f = new RandomAccessFile(flipped.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x10);
    }
    Path version = single(tmp.resolve("version"));
    try (RandomAccessFile f = new RandomAccessFile(version.toFile(), "rw")) {
      f.seek(8);
      f.writeInt(OnlineSnapshot.VERSION + 1);
    }
    List<String> warnings = new ArrayList<>();
    Logger jul = Logger.getLogger(OnlineSnapshot.class.getName());
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        warnings.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(h);
    try (LiveService a = LiveService.open(tmp.resolve("flipped"), null, config(), CLOCK);
        LiveService v = LiveService.open(tmp.resolve("version"), null, config(), CLOCK);
        LiveService full = LiveService.open(tmp.resolve("replay"), null, noSnapshots(), CLOCK)) {
      assertThat(a.snapshots().loadedFrom()).isNull();
      assertThat(v.snapshots().loadedFrom()).isNull();
      assertThat(a.openReport().replayed()).isEqualTo(550);
      assertThat(warnings).anySatisfy(m -> assertThat(m).contains(flipped.toString()).contains("CRC32C mismatch").contains("replaying the whole log"));
      assertThat(warnings).anySatisfy(m -> assertThat(m).contains(version.toString()).contains("format version " + (OnlineSnapshot.VERSION + 1)));
      assertSameState(full, a, 60);
      assertSameState(full, v, 60);
    } finally {
      jul.removeHandler(h);
    }
  }

  @Test
  void erasureThenRestartNeverResurrectsTheUser() throws IOException {
    SplittableRandom rnd = seeded(5);
    long[] ts = {1_700_000_000_000L};
    Path data = tmp.resolve("data");
    try (LiveService live = openWithBatches(data, 10, rnd, ts)) {
      ingest(live, List.of(new Event("gone-1", "victim", "a1", "purchase", ts[0]++, Float.NaN, null, Map.of()),
          Event.of("victim", "new-only-victim", "click", ts[0]++)));
      live.snapshots().writeNow().orElseThrow();
      live.snapshots().writeNow().orElseThrow();
      assertThat(live.snapshots().files()).hasSize(1); // same sequence: replaced
      assertThat(live.recommenders().get("itemcf").users().snapshot("victim").isEmpty()).isFalse();
      live.eraseUser("victim");
      assertThat(live.snapshots().files()).as("erasure deletes every snapshot holding the user").isEmpty();
      crashImage(data, tmp.resolve("crash-right-after"));
      ingest(live, batch(rnd, 50, ts));
      live.snapshots().writeNow().orElseThrow(); // taken after the erasure: loadable
      ingest(live, batch(rnd, 20, ts));
      crashImage(data, tmp.resolve("crash-later"));
      withoutSnapshots(data, tmp.resolve("replay"));
    }
    try (LiveService right = LiveService.open(tmp.resolve("crash-right-after"), null, config(), CLOCK);
        LiveService later = LiveService.open(tmp.resolve("crash-later"), null, config(), CLOCK);
        LiveService full = LiveService.open(tmp.resolve("replay"), null, noSnapshots(), CLOCK)) {
      assertThat(right.snapshots().loadedFrom()).isNull();
      assertThat(later.snapshots().loadedFrom()).isNotNull();
      for (LiveService s : List.of(right, later)) {
        OnlineRecommender r = s.recommenders().get("itemcf");
        assertThat(r.users().snapshot("victim").isEmpty()).isTrue();
        assertThat(r.recommend("victim", 10, List.of()).fallback()).isEqualTo(dev.funnel.recall.ModelRecommender.Fallback.POPULARITY);
        int only = r.items().get("new-only-victim");
        assertThat(only < 0 || r.popularity().count(only) == 0.0).as("the victim's only item has no count").isTrue();
      }
      assertSameState(full, later, 60, List.of("new-only-victim"), 1);
    }
  }

  private static String[] externals(OnlineRecommender r, int[] ids) {
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = r.items().external(ids[i]);
    }
    return out;
  }

  /**
   * Model change: the crash image's model is replaced by one with other item ids (same items, reordered, and a
   * new one); the snapshot (stored by external item id) still loads, and equals a full replay under the new model.
   */
  @Test
  void snapshotLoadsUnderAnotherModel() throws IOException {
    SplittableRandom rnd = seeded(13);
    long[] ts = {1_700_000_000_000L};
    Path data = tmp.resolve("data");
    try (LiveService live = openWithBatches(data, 10, rnd, ts)) {
      live.snapshots().writeNow().orElseThrow();
      ingest(live, batch(rnd, 40, ts));
      crashImage(data, tmp.resolve("crash"));
      withoutSnapshots(data, tmp.resolve("replay"));
    }
    for (Path d : List.of(tmp.resolve("crash"), tmp.resolve("replay"))) {
      writeReorderedModel(d);
    }
    try (LiveService fromSnapshot = LiveService.open(tmp.resolve("crash"), null, config(), CLOCK);
        LiveService full = LiveService.open(tmp.resolve("replay"), null, noSnapshots(), CLOCK)) {
      assertThat(fromSnapshot.snapshots().loadedFrom()).isNotNull();
      assertThat(fromSnapshot.openReport().replayed()).isEqualTo(40);
      assertThat(fromSnapshot.recommenders().get("itemcf").items().external(0)).isEqualTo("zz-model-only");
      assertSameState(full, fromSnapshot, 60);
    }
  }

  /** The fixture's model with items in another order (b0, zz-model-only, a1, a0): other dense ids for every item. */
  private static void writeReorderedModel(Path data) throws IOException {
    dev.funnel.data.IdMap users = new dev.funnel.data.IdMap();
    dev.funnel.data.IdMap items = new dev.funnel.data.IdMap();
    for (String i : new String[] {"zz-model-only", "b0", "a1", "a0"}) {
      items.getOrAdd(i);
    }
    for (int u = 0; u < 4; u++) {
      users.getOrAdd("u" + u);
    }
    // u0 {a0,a1}, u1 {a0,a1}, u2 {b0}, u3 {b0, zz-model-only}: ids a0=3, a1=2, b0=1, zz=0.
    int[] ptr = {0, 2, 4, 5, 7};
    int[] cols = {2, 3, 2, 3, 1, 0, 1};
    dev.funnel.data.Interactions train = new dev.funnel.data.Interactions(4, 4, ptr, cols, new float[cols.length], new long[cols.length]);
    dev.funnel.recall.SavedModel saved = dev.funnel.recall.SavedModel.of(
        dev.funnel.experiment.Experiment.fit("itemcf", Map.of(), train, dev.funnel.recall.TrainContext.defaults()).model(), users, items, train);
    Path models = data.resolve(DataDirectory.MODELS_DIR);
    Files.createDirectories(models);
    dev.funnel.recall.ModelFile.write(models.resolve("itemcf" + dev.funnel.recall.ModelFile.SUFFIX), saved);
  }

  private static Path single(Path data) throws IOException {
    try (Stream<Path> s = Files.list(data.resolve(DataDirectory.SNAPSHOTS_DIR).resolve("online"))) {
      List<Path> l = s.toList();
      assertThat(l).hasSize(1);
      return l.get(0);
    }
  }
}
