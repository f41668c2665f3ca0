package dev.funnel.store.log;

import java.nio.file.Path;

/**
 * The process {@link CompactionCrashTest} kills: opens the log, erases the user, prints
 * {@code erased THROUGH} once the erasure is durable, compacts, prints {@code compacted N}, then waits.
 *
 * <pre>java -cp TEST_CLASSPATH dev.funnel.store.log.CompactionChild DIR USER</pre>
 */
public final class CompactionChild {
  private CompactionChild() {}

  public static void main(String[] args) throws Exception {
    EventLog log = EventLog.open(Path.of(args[0]), CompactionCrashTest.CONFIG);
    System.out.println("ready " + log.lastSequence());
    System.out.println("erased " + log.erase(args[1]));
    System.out.println("compacted " + log.compact(e -> {}).eventsErased());
    Thread.sleep(Long.MAX_VALUE);
  }
}
