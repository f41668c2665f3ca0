package dev.funnel.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lowers the CPU priority of the calling thread on Linux by raising its nice value, so that
 * background work (training, reading a model file for a rollback) yields the cores to request
 * threads the moment they wake. {@link Thread#setPriority} does not do this: HotSpot ignores Java
 * priorities on Linux unless it runs as root with {@code -XX:ThreadPriorityPolicy=1}.
 *
 * <p>Linux schedules threads, not processes, and any user may raise the nice value of its own
 * threads. Java 17 has no call for it, so this runs {@code renice} on the thread's kernel id (from
 * {@code /proc/thread-self}) once per thread. Under CFS a nice-19 thread weighs 15 against a nice-0
 * thread's 1,024: it still runs on an idle core at full speed, but a waking request thread preempts
 * it at once, instead of waiting out a time slice of several milliseconds behind it.
 *
 * <p>Best effort: elsewhere than Linux, or without {@code renice}, it does nothing and says so once.
 * The system property {@code funnel.backgroundNice} sets the value (default 19; 0 turns it off).
 */
public final class Niceness {
  private static final System.Logger LOG = System.getLogger(Niceness.class.getName());
  /** The nice value background threads get; 0 leaves them as they are. */
  public static final int BACKGROUND = Integer.getInteger("funnel.backgroundNice", 19);
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private Niceness() {}

  /** Gives the calling thread {@link #BACKGROUND}'s nice value; true if it took effect. */
  public static boolean background() {
    return set(BACKGROUND);
  }

  /**
   * Sets the calling thread's nice value to {@code nice} (1..19: lower priority than default).
   *
   * @return true if the thread now runs at that nice value; false (and a warning, once) if it could not be set
   */
  public static boolean set(int nice) {
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException("nice must be in 0..19 (0: unchanged); nice=" + nice);
    }
    if (nice == 0) {
      return false;
    }
    long tid = currentThreadId();
    if (tid < 0) {
      warn("no /proc/thread-self (not Linux?)");
      return false;
    }
    try {
      Process p = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", Long.toString(tid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        warn("renice did not finish within 5 s");
        return false;
      }
      if (p.exitValue() != 0) {
        warn("renice exited with " + p.exitValue());
        return false;
      }
      return currentNice() == nice;
    } catch (IOException e) {
      warn("renice could not run: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The calling thread's nice value as the kernel reports it, or {@link Integer#MIN_VALUE} if unknown. */
  public static int currentNice() {
    try {
      // /proc/thread-self/stat: "tid (comm) state ..." where comm may hold spaces and parentheses; the
      // fields after the last ')' start at field 3, and nice is field 19.
      String stat = Files.readString(THREAD_SELF.resolve("stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Integer.parseInt(after[19 - 3]);
    } catch (IOException | RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }

  /** The kernel's id of the calling thread, or -1 where there is no {@code /proc/thread-self}. */
  static long currentThreadId() {
    try {
      // The link reads "PID/task/TID".
      Path link = Files.readSymbolicLink(THREAD_SELF);
      return Long.parseLong(link.getFileName().toString());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void warn(String why) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "background threads keep the default CPU priority: " + why);
    }
  }
}
