package dev.funnel.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * An input stream whose reader rests part of the time: after every {@code busyNanos} of wall time
 * spent reading and parsing, the next read first sleeps for {@code busyNanos * (1 - duty) / duty}.
 * A model loaded in the background beside a serving process (a rollback reads a 100 MB version
 * file) then takes at most {@code duty} of one core instead of all of it, so on a small machine the
 * requests served meanwhile keep their latency; the load takes {@code 1 / duty} times longer. The
 * same idea as Lucene's merge rate limiter, measured in time rather than bytes because the cost is
 * the parsing, not the disk.
 *
 * <p>Wall time between reads counts as busy: the caller's parsing runs there.
 */
public final class PacedInputStream extends FilterInputStream {
  /** Sleeps; a parameter so tests can count rests without waiting. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final long busyNanos;
  private final long restNanos;
  private final Sleeper sleeper;
  private long sliceStart;
  private long rests;

  /**
   * @param duty the share of wall time spent working, in (0, 1]; 1 never rests
   * @param busyNanos work between rests, e.g. 2 ms: short enough that a request waits at most that long
   */
  public PacedInputStream(InputStream in, double duty, long busyNanos) {
    this(in, duty, busyNanos, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  public PacedInputStream(InputStream in, double duty, long busyNanos, Sleeper sleeper) {
    super(in);
    if (!(duty > 0 && duty <= 1)) {
      throw new IllegalArgumentException("duty must be in (0, 1]; duty=" + duty);
    }
    if (busyNanos < 1) {
      throw new IllegalArgumentException("busyNanos must be positive; busyNanos=" + busyNanos);
    }
    this.busyNanos = busyNanos;
    this.restNanos = duty == 1 ? 0 : (long) (busyNanos * (1 - duty) / duty);
    this.sleeper = sleeper;
    this.sliceStart = System.nanoTime();
  }

  /** Rests taken so far. */
  public long rests() {
    return rests;
  }

  @Override
  public int read() throws IOException {
    pace();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    pace();
    return super.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    pace();
    return super.skip(n);
  }

  private void pace() throws IOException {
    if (restNanos == 0) {
      return;
    }
    long now = System.nanoTime();
    if (now - sliceStart < busyNanos) {
      return;
    }
    try {
      sleeper.sleep(restNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while pacing a read");
    }
    rests++;
    sliceStart = System.nanoTime();
  }
}
