package dev.funnel.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Graceful stop on SIGTERM and SIGINT for {@code funnel serve}: the signal only wakes the thread in
 * {@link #await()}, which then closes what it registered in reverse order (the server first: stop
 * accepting, drain in-flight requests; then the live service: final fsync of the log, catalog flush,
 * data-directory lock released) and the process exits with status 0. A JVM shutdown hook would also run
 * the closes, but the JVM's exit status after SIGTERM is then 143, and a supervisor could not tell a
 * clean stop from a crash.
 *
 * <p>Bounded: if the closes have not finished {@code bound} after the signal, a watchdog halts the JVM
 * with status 1 (what was acknowledged is durable anyway: it was fsync'd before the acknowledgement).
 * A second signal during the drain does the same at once. Other JVM exits (System.exit, SIGHUP) run
 * the same closes from a shutdown hook. Uses {@code sun.misc.Signal} (module jdk.unsupported, present
 * in every HotSpot build); where a signal cannot be handled the shutdown hook remains.
 */
public final class ShutdownSignal {
  private static final System.Logger LOG = System.getLogger(ShutdownSignal.class.getName());

  private final CountDownLatch signalled = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Duration bound;
  private volatile String signal = "none";

  private ShutdownSignal(Duration bound) {
    this.bound = bound;
  }

  /**
   * Installs the handlers for TERM and INT and a shutdown hook; call once, early in {@code main}.
   *
   * @param bound longest time the closes may take after the signal before the JVM is halted with status 1
   */
  public static ShutdownSignal install(Duration bound) {
    if (bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("bound must be positive; bound=" + bound);
    }
    ShutdownSignal s = new ShutdownSignal(bound);
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> s.signalled(sig.getName()));
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot handle SIG" + name + " (" + e.getMessage() + "); the shutdown hook closes instead");
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::closeAll, "funnel-shutdown-hook"));
    return s;
  }

  /** Registers something to close on stop; closed in reverse registration order (register the service, then the server). */
  public synchronized void closeOnStop(AutoCloseable c) {
    closeables.add(c);
  }

  private void signalled(String name) {
    if (signalled.getCount() == 0) {
      LOG.log(System.Logger.Level.WARNING, "second SIG" + name + " while draining: halting");
      Runtime.getRuntime().halt(1);
    }
    signal = name;
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(bound.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("shutdown did not finish within " + bound.toSeconds() + " s: halting");
      Runtime.getRuntime().halt(1);
    }, "funnel-shutdown-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    signalled.countDown();
  }

  /** Blocks until SIGTERM or SIGINT, then closes everything registered; returns the signal's name (TERM, INT). */
  public String await() throws InterruptedException {
    signalled.await();
    closeAll();
    return signal;
  }

  /** Closes the registered closeables once, newest first; later calls return at once. */
  public void closeAll() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    List<AutoCloseable> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(closeables);
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "close failed during shutdown: " + e, e);
      }
    }
  }
}
