package dev.funnel.recall.lightgcn;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads kept for a whole training run: LightGCN calls a parallel loop a dozen times per batch
 * (thousands per epoch), too often to start threads each time as {@link dev.funnel.util.Parallel}
 * does. The caller's thread works too; chunks are taken from a shared cursor, so skewed rows (popular
 * items) do not leave a thread idle. A worker's exception is rethrown on the caller's thread.
 */
final class RowPool implements AutoCloseable {
  /** Body of a loop: worker id in [0, threads) and a chunk [from, to). */
  @FunctionalInterface
  interface Body {
    void run(int worker, int from, int to);
  }

  private final int threads;
  private final ExecutorService pool;
  @SuppressWarnings("unchecked")
  private final Future<?>[] futures;

  RowPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive; threads=" + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "funnel-lightgcn");
      t.setDaemon(true);
      return t;
    }) : null;
    this.futures = new Future<?>[threads];
  }

  int threads() {
    return threads;
  }

  /** Runs {@code body} over [0, n) in chunks of {@code chunk}; returns when every chunk is done. */
  void forRange(int n, int chunk, Body body) {
    if (n <= 0) {
      return;
    }
    int t = (int) Math.min(threads, (n + (long) chunk - 1) / chunk);
    AtomicInteger cursor = new AtomicInteger();
    if (t == 1) {
      work(0, n, chunk, cursor, body);
      return;
    }
    for (int w = 1; w < t; w++) {
      int worker = w;
      futures[w] = pool.submit(() -> work(worker, n, chunk, cursor, body));
    }
    RuntimeException failure = null;
    try {
      work(0, n, chunk, cursor, body);
    } catch (RuntimeException e) {
      cursor.set(n); // let the others stop early
      failure = e;
    }
    for (int w = 1; w < t; w++) {
      try {
        futures[w].get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeException("interrupted", e);
      }
      futures[w] = null;
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void work(int worker, int n, int chunk, AtomicInteger cursor, Body body) {
    int from;
    while ((from = cursor.getAndAdd(chunk)) < n) {
      body.run(worker, from, Math.min(n, from + chunk));
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
