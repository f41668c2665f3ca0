package dev.funnel.bench.store;

import dev.funnel.store.catalog.Catalog;
import dev.funnel.store.catalog.ItemPatch;
import dev.funnel.store.catalog.ItemRecord;
import dev.funnel.store.catalog.RocksCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Measures a catalog engine: synced batch puts, synced single puts (one thread and several),
 * synced patches, random gets, memory, disk and reopen time. Run each engine in its own JVM so that
 * memory figures do not mix:
 *
 * <pre>
 * mvn -o -q -B -pl bench -am package -DskipTests
 * CP=bench/target/funnel-bench.jar:$(ls bench/target/lib/*.jar | tr '\n' ':')
 * java -Xmx2g -cp $CP dev.funnel.bench.store.CatalogBench --engine rocks --items 100000
 * java -Xmx2g -cp $CP dev.funnel.bench.store.CatalogBench --engine map --items 100000
 * </pre>
 *
 * Options: {@code --engine rocks|map} ({@code map} = {@link LoggedMapCatalog}, the simple
 * alternative), {@code --items N} (default 100000), {@code --batch B} (1000), {@code --single S}
 * synced single writes per phase (10000), {@code --threads T} for the concurrent phase (8),
 * {@code --gets G} (1000000), {@code --dir D} (a fresh temporary directory), {@code --seed}.
 */
public final class CatalogBench {
  private CatalogBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("engine", "rocks", "items", "100000", "batch", "1000",
        "single", "10000", "threads", "8", "gets", "1000000", "seed", "42"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--") || !opt.containsKey(args[i].substring(2)) && !args[i].equals("--dir")) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; valid: " + opt.keySet() + " and dir");
      }
      opt.put(args[i].substring(2), args[i + 1]);
    }
    String engine = opt.get("engine");
    Function<Path, Catalog> opener = switch (engine) {
      case "rocks" -> RocksCatalog::open;
      case "map" -> LoggedMapCatalog::open;
      default -> throw new IllegalArgumentException("engine must be rocks or map; engine=" + engine);
    };
    int n = Integer.parseInt(opt.get("items"));
    int batch = Integer.parseInt(opt.get("batch"));
    int single = Integer.parseInt(opt.get("single"));
    int threads = Integer.parseInt(opt.get("threads"));
    int gets = Integer.parseInt(opt.get("gets"));
    long seed = Long.parseLong(opt.get("seed"));
    Path dir = opt.containsKey("dir") ? Path.of(opt.get("dir")) : Files.createTempDirectory("catalog-bench-");
    Path store = dir.resolve(engine);
    deleteTree(store);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", engine);
    out.put("items", n);
    out.put("record_bytes", dev.funnel.store.catalog.CatalogCodec.encodeItem(item(0, new SplittableRandom(seed))).length);
    long heap0 = usedHeap();
    long rss0 = rss();

    Catalog catalog = opener.apply(store);
    SplittableRandom rnd = new SplittableRandom(seed);

    // 1. Synced batches: the bulk-import path.
    Histogram batchNs = new Histogram(3);
    long inCalls = 0;
    for (int start = 0; start < n; start += batch) {
      List<ItemRecord> b = new ArrayList<>(batch);
      for (int i = start; i < Math.min(n, start + batch); i++) {
        b.add(item(i, rnd));
      }
      long s = System.nanoTime();
      catalog.putItems(b);
      long took = System.nanoTime() - s;
      inCalls += took;
      batchNs.recordValue(took);
    }
    // Time inside putItems only: generating the records is the caller's cost, not the store's.
    out.put("batch_put_items_per_s", Math.round(n / (inCalls / 1e9)));
    out.put("batch_put_p99_ms", ms(batchNs.getValueAtPercentile(99)));

    // 2. Synced single puts, one thread (overwrites of existing items).
    Histogram putNs = new Histogram(3);
    long t0 = System.nanoTime();
    for (int i = 0; i < single; i++) {
      ItemRecord r = item(rnd.nextInt(n), rnd);
      long s = System.nanoTime();
      catalog.putItem(r);
      putNs.recordValue(System.nanoTime() - s);
    }
    out.put("single_put_per_s", Math.round(single / ((System.nanoTime() - t0) / 1e9)));
    out.put("single_put_p50_ms", ms(putNs.getValueAtPercentile(50)));
    out.put("single_put_p99_ms", ms(putNs.getValueAtPercentile(99)));

    // 3. Synced single puts from several threads: group commit shares the fsyncs.
    Histogram concNs = new Histogram(3);
    AtomicInteger next = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      SplittableRandom tr = rnd.split();
      Thread w = new Thread(() -> {
        Histogram local = new Histogram(3);
        while (next.getAndIncrement() < single) {
          ItemRecord r = item(tr.nextInt(n), tr);
          long s = System.nanoTime();
          catalog.putItem(r);
          local.recordValue(System.nanoTime() - s);
        }
        synchronized (concNs) {
          concNs.add(local);
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    out.put("concurrent_put_threads", threads);
    out.put("concurrent_put_per_s", Math.round(single / ((System.nanoTime() - t0) / 1e9)));
    out.put("concurrent_put_p99_ms", ms(concNs.getValueAtPercentile(99)));

    // 4. Synced patches, one thread.
    Histogram patchNs = new Histogram(3);
    t0 = System.nanoTime();
    for (int i = 0; i < single; i++) {
      String id = id(rnd.nextInt(n));
      ItemPatch p = ItemPatch.empty().attributes(Map.of("price", rnd.nextInt(10_000) / 100.0));
      long s = System.nanoTime();
      catalog.patchItem(id, p);
      patchNs.recordValue(System.nanoTime() - s);
    }
    out.put("patch_per_s", Math.round(single / ((System.nanoTime() - t0) / 1e9)));
    out.put("patch_p99_ms", ms(patchNs.getValueAtPercentile(99)));

    // 5. Random gets, one thread (warm-up pass first so JIT and caches are settled).
    for (int i = 0; i < Math.min(gets, 200_000); i++) {
      catalog.getItem(id(rnd.nextInt(n)));
    }
    Histogram getNs = new Histogram(3);
    long found = 0;
    t0 = System.nanoTime();
    for (int i = 0; i < gets; i++) {
      String id = id(rnd.nextInt(n));
      long s = System.nanoTime();
      found += catalog.getItem(id).isPresent() ? 1 : 0;
      getNs.recordValue(System.nanoTime() - s);
    }
    out.put("get_per_s", Math.round(gets / ((System.nanoTime() - t0) / 1e9)));
    out.put("get_p50_us", getNs.getValueAtPercentile(50) / 1000.0);
    out.put("get_p99_us", getNs.getValueAtPercentile(99) / 1000.0);
    if (found != gets) {
      throw new IllegalStateException("gets found " + found + " of " + gets);
    }

    // 6. Memory and disk.
    out.put("heap_mb", mb(usedHeap() - heap0));
    out.put("rss_growth_mb", mb(rss() - rss0));
    if (catalog instanceof RocksCatalog rc) {
      out.put("rocks_memtables_mb", mb(rc.engineProperty("rocksdb.cur-size-all-mem-tables")));
      out.put("rocks_table_readers_mb", mb(rc.engineProperty("rocksdb.estimate-table-readers-mem")));
      out.put("rocks_block_cache_mb", mb(rc.engineProperty("rocksdb.block-cache-usage") / 2)); // shared cache, counted per family
    }
    out.put("disk_mb", mb(treeBytes(store)));

    // 7. Reopen: open plus the first get (the map must replay its whole log first).
    catalog.close();
    t0 = System.nanoTime();
    Catalog reopened = opener.apply(store);
    reopened.getItem(id(0)).orElseThrow();
    out.put("reopen_ms", ms(System.nanoTime() - t0));
    long[] count = new long[1];
    t0 = System.nanoTime();
    reopened.forEachItem(r -> count[0]++);
    out.put("scan_ms", ms(System.nanoTime() - t0));
    if (count[0] != n) {
      throw new IllegalStateException("after reopen " + count[0] + " items, expected " + n);
    }
    reopened.compact();
    out.put("disk_after_compact_mb", mb(treeBytes(store)));
    reopened.close();
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);

    for (Map.Entry<String, Object> e : out.entrySet()) {
      System.out.printf(Locale.ROOT, "%-26s %s%n", e.getKey(), e.getValue());
    }
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Object> e : out.entrySet()) {
      json.append(json.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":");
      json.append(e.getValue() instanceof String s ? "\"" + s + "\"" : String.valueOf(e.getValue()));
    }
    System.out.println(json.append('}'));
    deleteTree(store);
  }

  static String id(int i) {
    return "item-" + i;
  }

  /** A realistic shop item: 2 categories, 3 tags, 5 attributes (about 120 bytes encoded). */
  static ItemRecord item(int i, SplittableRandom rnd) {
    return new ItemRecord(id(i), List.of("cat-" + (i % 50), "cat-" + (i % 7) + "/sub-" + (i % 13)),
        List.of("tag-" + rnd.nextInt(200), "tag-" + rnd.nextInt(200), "color-" + rnd.nextInt(12)),
        Map.of("price", rnd.nextInt(100_000) / 100.0, "stock", (long) rnd.nextInt(500), "brand", "brand-" + (i % 300),
            "rating", rnd.nextInt(50) / 10.0, "weight_g", (long) rnd.nextInt(5_000)),
        true, 1_700_000_000_000L + i, rnd.nextInt(10) == 0 ? 1_900_000_000_000L : null);
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  private static double mb(long bytes) {
    return Math.round(bytes / (1024.0 * 1024.0) * 10) / 10.0;
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return 0;
  }

  private static long treeBytes(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
