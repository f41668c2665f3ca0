package dev.funnel.store.log;

import dev.funnel.store.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The process {@link CrashTest} kills: opens the log (recovering it), then appends from several
 * threads forever, printing {@code ack ROUND THREAD BATCH SIZE LAST_SEQUENCE} for each batch the
 * moment its future completes (so only after fsync).
 *
 * <pre>java -cp TEST_CLASSPATH dev.funnel.store.log.CrashChild DIR ROUND THREADS</pre>
 */
public final class CrashChild {
  private CrashChild() {}

  /** Batch sizes vary from 1 to 40 so groups mix small and large batches. */
  static int batchSize(int thread, int batch) {
    return 1 + (batch * 7 + thread * 13) % 40;
  }

  static String id(int round, int thread, int batch, int k) {
    return "r" + round + "t" + thread + "b" + batch + "k" + k;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(256 << 10));
    System.err.println(log.recovery().summary());
    System.out.println("ready " + log.lastSequence());
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread appender = new Thread(() -> {
        for (int b = 0; ; b++) {
          int size = batchSize(thread, b);
          List<Event> events = new ArrayList<>(size);
          for (int k = 0; k < size; k++) {
            events.add(new Event(id(round, thread, b, k), "user-" + (b % 100), "item-" + k, "click", System.currentTimeMillis(), Float.NaN,
                null, Map.of()));
          }
          long last = log.append(events).join();
          System.out.println("ack " + round + " " + thread + " " + b + " " + size + " " + last);
        }
      }, "appender-" + t);
      appender.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
