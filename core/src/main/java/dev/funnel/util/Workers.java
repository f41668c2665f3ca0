package dev.funnel.util;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A small fixed set of daemon threads reused across many short parallel sections (one per
 * mini-batch, one per large scoring call), where {@link Parallel#forRange} would start and stop a
 * thread pool each time. {@link #run} executes parts 1..parts-1 on the pool and part 0 on the caller,
 * then waits for all: a section costs two hand-offs per helper thread, not thread creation. Idle
 * threads exit after {@code keepAliveSeconds}, so a long-lived owner that is never closed (a model
 * kept for scoring) holds no threads while unused. A part's exception is rethrown on the caller.
 */
public final class Workers implements AutoCloseable {
  private final int threads;
  private final ThreadPoolExecutor pool;

  /** Up to {@code threads} parts run at once (the caller plus threads - 1 pool threads). */
  public Workers(int threads, String name, long keepAliveSeconds) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive; threads=" + threads);
    }
    this.threads = threads;
    if (threads == 1) {
      pool = null;
      return;
    }
    pool = new ThreadPoolExecutor(threads - 1, threads - 1, keepAliveSeconds, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
  }

  public int threads() {
    return threads;
  }

  /**
   * Runs {@code part.accept(p)} for p in [0, parts), parts 1.. on the pool and part 0 on the calling
   * thread; returns when all are done. {@code parts} must not exceed {@link #threads()}, so all parts
   * can run at once; a pool thread that is free may run two parts one after the other, so per-part
   * state must be indexed by p, not by thread.
   */
  public void run(int parts, IntConsumer part) {
    if (parts < 1 || parts > threads) {
      throw new IllegalArgumentException("parts must be in 1.." + threads + "; parts=" + parts);
    }
    if (parts == 1) {
      part.accept(0);
      return;
    }
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[parts];
    for (int p = 1; p < parts; p++) {
      int id = p;
      futures[p] = pool.submit(() -> part.accept(id));
    }
    RuntimeException first = null;
    try {
      part.accept(0);
    } catch (RuntimeException e) {
      first = e;
    }
    for (int p = 1; p < parts; p++) {
      try {
        futures[p].get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error err) {
          throw err;
        }
        if (first == null) {
          first = cause instanceof RuntimeException re ? re : new RuntimeException(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeException("interrupted while waiting for a worker", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Stops the pool threads (parts already running finish). */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
