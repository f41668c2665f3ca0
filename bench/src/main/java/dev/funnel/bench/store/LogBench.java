package dev.funnel.bench.store;

import dev.funnel.store.Event;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import dev.funnel.store.log.LogStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Durable append throughput and latency of {@link EventLog} on this disk.
 *
 * <ul>
 *   <li>raw fsync: 100-byte write + {@code FileChannel.force(false)} in a loop, the floor of every commit;
 *   <li>closed loop: N threads each append a batch of B events (about 100 bytes each), wait for
 *       the acknowledgment, repeat; rows {@code clients, batch, events_per_s, p50_ms, p99_ms};
 *   <li>open loop: single-event appends at a fixed rate, latency from the intended send time (no
 *       coordinated omission), the "1,000/s with p99 &lt; 3 ms"; with {@code --open-only}, P
 *       pairs ({@code --pairs}) of the log without and with preallocation, alternating;
 *   <li>{@code --raw-paced N}: the disk alone, N alternating pairs of 100-byte writes + fdatasync paced
 *       at the rate (latency from the intended time, one thread), appending to a growing file against
 *       writing into a zero-filled, synced one: what the log's preallocation
 *       ({@code LogConfig.preallocateBytes}) is for.
 * </ul>
 *
 * <pre>java -cp core/target/classes:bench/target/classes:$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar \
 *   dev.funnel.bench.store.LogBench [--dir DIR] [--seconds 5] [--rate 1000] [--open-only [--pairs P] | --raw-paced PAIRS]</pre>
 */
public final class LogBench {
  private static final int POOL = 16_384;

  private LogBench() {}

  public static void main(String[] args) throws Exception {
    Path base = null;
    double seconds = 5;
    int rate = 1000;
    boolean openOnly = false;
    int rawPaced = 0;
    int pairs = 1;
    for (int a = 0; a < args.length; a++) {
      switch (args[a]) {
        case "--dir" -> base = Path.of(args[++a]);
        case "--seconds" -> seconds = Double.parseDouble(args[++a]);
        case "--rate" -> rate = Integer.parseInt(args[++a]);
        case "--open-only" -> openOnly = true;
        case "--raw-paced" -> rawPaced = Integer.parseInt(args[++a]);
        case "--pairs" -> pairs = Integer.parseInt(args[++a]);
        default -> throw new IllegalArgumentException("unknown argument " + args[a]
            + "; usage: LogBench [--dir DIR] [--seconds S] [--rate R] [--open-only [--pairs P] | --raw-paced PAIRS]");
      }
    }
    base = base == null ? Files.createTempDirectory("funnel-logbench") : Files.createDirectories(base);
    System.out.printf(Locale.ROOT, "dir %s (%s), %d cpus, java %s, load average %.2f%n", base, Files.getFileStore(base).type(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Event[] pool = events();
    try {
      rawFsync(base.resolve("fsync.bin"), 2000);
      if (rawPaced > 0) {
        for (int pair = 0; pair < rawPaced; pair++) {
          pacedFsync(base.resolve("paced-append.bin"), rate, seconds, false);
          pacedFsync(base.resolve("paced-zeroed.bin"), rate, seconds, true);
        }
        return;
      }
      if (openOnly) {
        closedLoop(base.resolve("warmup"), pool, 1, 1, 1.0, false);
        for (int pair = 0; pair < pairs; pair++) { // side by side: the log without and with zeros written ahead
          openLoop(base.resolve("open-off" + pair), pool, rate, seconds, LogConfig.defaults().withPreallocateBytes(0));
          openLoop(base.resolve("open-on" + pair), pool, rate, seconds, LogConfig.defaults());
        }
        return;
      }
      closedLoop(base.resolve("warmup"), pool, 4, 100, 1.0, false);
      System.out.println("clients batch events_per_s p50_ms p99_ms commits_per_s events_per_commit record_bytes");
      for (int batch : new int[] {1, 100, 1000}) {
        for (int clients : new int[] {1, 16}) {
          closedLoop(base.resolve("c" + clients + "b" + batch), pool, clients, batch, seconds, true);
        }
      }
      openLoop(base.resolve("open"), pool, rate, seconds, LogConfig.defaults());
    } finally {
      deleteTree(base);
    }
  }

  /** About 100 bytes encoded: ids, a request id, no context. */
  public static Event[] events() {
    Event[] out = new Event[POOL];
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < POOL; i++) {
      out[i] = new Event(String.format(Locale.ROOT, "evt-%024x", r.nextLong() & Long.MAX_VALUE), String.format(Locale.ROOT, "user-%07d", r.nextInt(30_000)),
          String.format(Locale.ROOT, "item-%08d", r.nextInt(41_000)), "click", 1_763_900_000_000L + i, Float.NaN,
          String.format(Locale.ROOT, "req-%012x", r.nextLong() & 0xFFFFFFFFFFFFL), Map.of());
    }
    return out;
  }

  static void rawFsync(Path file, int n) throws IOException {
    Histogram h = new Histogram(3);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocateDirect(100);
      for (int i = 0; i < n; i++) {
        b.clear();
        ch.write(b);
        long t0 = System.nanoTime();
        ch.force(false);
        h.recordValue(System.nanoTime() - t0);
      }
    }
    System.out.printf(Locale.ROOT, "raw fsync (100 B write + force(false)), %d times: p50 %.3f ms, p99 %.3f ms, mean %.3f ms -> %.0f fsyncs/s%n", n,
        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMean() / 1e6, 1e9 / h.getMean());
  }

  /**
   * 100-byte writes each followed by {@code force(false)}, paced at {@code rate} per second on one
   * thread, latency from each write's intended time (so a slow fsync also delays the ones behind
   * it, as queued commits would wait). {@code zeroed}: into a file zero-filled and synced first, so
   * the writes change no file size; otherwise appending to a new file.
   */
  static void pacedFsync(Path file, int rate, double seconds, boolean zeroed) throws IOException {
    int n = (int) Math.round(rate * seconds);
    Histogram h = new Histogram(3);
    Files.deleteIfExists(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      if (zeroed) {
        ByteBuffer z = ByteBuffer.allocate(1 << 20);
        for (long at = 0; at < 100L * n; at += z.capacity()) {
          z.clear();
          ch.write(z, at);
        }
        ch.force(true);
      }
      ByteBuffer b = ByteBuffer.allocateDirect(100);
      long interval = 1_000_000_000L / rate;
      long start = System.nanoTime() + 10_000_000L;
      for (int i = 0; i < n; i++) {
        long intended = start + i * interval;
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        b.clear();
        ch.write(b, 100L * i);
        ch.force(false);
        h.recordValue(System.nanoTime() - intended);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    System.out.printf(Locale.ROOT, "paced fdatasync %s, %d at %d/s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
        zeroed ? "into zero-filled space" : "appending             ", n, rate, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
        h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
  }

  static void closedLoop(Path dir, Event[] pool, int clients, int batch, double seconds, boolean print) throws Exception {
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      List<Thread> threads = new ArrayList<>();
      List<Histogram> hists = new ArrayList<>();
      AtomicLong appended = new AtomicLong();
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        Histogram h = new Histogram(3);
        hists.add(h);
        int offset = c * 997;
        List<Event> poolList = List.of(pool);
        Thread t = new Thread(() -> {
          long n = 0;
          int at = offset % (POOL - batch);
          while (System.nanoTime() < deadline) {
            List<Event> events = poolList.subList(at, at + batch);
            at = (at + batch) % (POOL - batch);
            long s = System.nanoTime();
            log.append(events).join();
            h.recordValue(System.nanoTime() - s);
            n += batch;
          }
          appended.addAndGet(n);
        });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double took = (System.nanoTime() - t0) / 1e9;
      Histogram all = new Histogram(3);
      hists.forEach(all::add);
      LogStats s = log.stats();
      if (print) {
        System.out.printf(Locale.ROOT, "%7d %5d %12.0f %6.3f %6.3f %13.0f %17.1f %12.1f%n", clients, batch, appended.get() / took,
            all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6, s.groupCommits() / took,
            (double) s.events() / s.groupCommits(), (double) s.bytes() / s.events());
      }
    }
  }

  static void openLoop(Path dir, Event[] pool, int rate, double seconds, LogConfig config) throws Exception {
    Histogram h = new Histogram(3);
    try (EventLog log = EventLog.open(dir, config)) {
      long n = (long) (rate * seconds);
      long interval = 1_000_000_000L / rate;
      long start = System.nanoTime() + 10_000_000L;
      List<CompletableFuture<Long>> futures = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        long intended = start + i * interval;
        while (System.nanoTime() < intended) {
          long wait = intended - System.nanoTime();
          if (wait > 200_000) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait - 100_000);
          } else {
            Thread.onSpinWait();
          }
        }
        // Completions run on the log's single writer thread, so the histogram has one writer.
        futures.add(log.append(List.of(pool[(int) (i % POOL)])).whenComplete((seq, err) -> h.recordValue(System.nanoTime() - intended)));
      }
      CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).join();
    }
    System.out.printf(Locale.ROOT, "open loop: 1 event per append at %d/s for %.0f s, preallocate %d: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms,"
        + " max %.3f ms%n", rate, seconds, config.preallocateBytes(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
