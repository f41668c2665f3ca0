package dev.funnel.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: each client may make {@code ratePerSecond} requests per second on
 * average and bursts of up to {@code burst}. Clients idle long enough to have a full bucket are
 * forgotten when the table grows past {@value #MAX_CLIENTS}, so the table stays bounded.
 */
final class RateLimiter {
  static final int MAX_CLIENTS = 10_000;

  private final double ratePerSecond;
  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param ratePerSecond tokens added per second, positive
   * @param burst the bucket size, at least 1
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; tests pass their own)
   */
  RateLimiter(double ratePerSecond, double burst, LongSupplier nanoClock) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("ratePerSecond must be positive and finite; ratePerSecond=" + ratePerSecond);
    }
    if (!(burst >= 1)) {
      throw new IllegalArgumentException("burst must be >= 1; burst=" + burst);
    }
    this.ratePerSecond = ratePerSecond;
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /** Clients with a bucket now (kept near {@value #MAX_CLIENTS}: idle ones are dropped beyond it). */
  int clients() {
    return buckets.size();
  }

  double ratePerSecond() {
    return ratePerSecond;
  }

  /**
   * Takes one token from the client's bucket.
   *
   * @return 0 when the request may go ahead, else the whole seconds (at least 1) until a token is there
   */
  long acquire(String client) {
    long now = nanoClock.getAsLong();
    if (buckets.size() > MAX_CLIENTS) {
      buckets.values().removeIf(b -> b.fullAt(now));
    }
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    return bucket.take(now);
  }

  private final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized long take(long now) {
      tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      double waitNanos = (1 - tokens) / ratePerNano;
      return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
    }

    synchronized boolean fullAt(long now) {
      return tokens + (now - last) * ratePerNano >= burst;
    }
  }
}
