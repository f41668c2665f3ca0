package dev.funnel.bench.serve;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop, constant-rate HTTP GET load generator (the wrk2 model). Request n is scheduled at
 * {@code start + n / rate} whatever happened to earlier ones, and its latency runs from that
 * scheduled time to the last byte of the response. A closed-loop client that waits for each
 * answer before sending the next would stop sending while the server stalls and so never see the
 * queue a real stream of users builds up: Tene's "coordinated omission".
 *
 * <p>Sending is one platform thread that parks until each scheduled time and hands the request to
 * a Vert.x client (one event loop, a keep-alive pool of {@code connections}); requests beyond the
 * pool wait in the pool's queue, which the measured latency includes. Paths are cycled in order.
 */
public final class LoadGenerator {
  /** A request still unanswered this long after all were sent counts as an error. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  /** Latencies are recorded in microseconds, up to one minute, to three significant digits. */
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

  private LoadGenerator() {}

  /** Sees each measured request once it completes, on the client's one event loop (keep it short). */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param intendedNanos the {@link System#nanoTime} the request was scheduled for
     * @param latencyMicros from then to the response's last byte (or the failure)
     * @param ok a 2xx status
     */
    void completed(long intendedNanos, long latencyMicros, boolean ok);
  }

  /**
   * Sends {@code rate} GET requests per second to {@code base} + each of {@code paths} in turn for
   * {@code warmup} (not measured) then {@code duration} (measured), and returns once every
   * measured request has been answered or timed out.
   *
   * @param base e.g. {@code http://127.0.0.1:8080}; a path in it prefixes every request path
   * @param paths paths with query, e.g. {@code /v1/recommend?user=42}
   */
  public static LoadResult run(URI base, List<String> paths, double rate, Duration warmup, Duration duration, int connections) {
    return run(base, paths, null, rate, warmup, duration, connections, null);
  }

  /** As {@link #run(URI, List, double, Duration, Duration, int)}, telling {@code listener} (may be null) about each measured request. */
  public static LoadResult run(URI base, List<String> paths, double rate, Duration warmup, Duration duration, int connections,
      Listener listener) {
    return run(base, paths, null, rate, warmup, duration, connections, listener);
  }

  /**
   * As {@link #run(URI, List, double, Duration, Duration, int)} but POSTs: request n goes to
   * {@code path} with body {@code bodies.get(n % size)} (e.g. single events to {@code /v1/events}).
   */
  public static LoadResult runPost(URI base, String path, List<String> bodies, double rate, Duration warmup, Duration duration,
      int connections) {
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("bodies must not be empty");
    }
    return run(base, List.of(path), bodies, rate, warmup, duration, connections, null);
  }

  private static LoadResult run(URI base, List<String> paths, List<String> bodies, double rate, Duration warmup, Duration duration,
      int connections, Listener listener) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("paths must not be empty");
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be positive; rate=" + rate);
    }
    if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("warmup must be >= 0 and duration > 0; warmup=" + warmup + ", duration=" + duration);
    }
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be >= 1; connections=" + connections);
    }
    if (!"http".equals(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("base must be an http://host:port URI; base=" + base);
    }
    String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    int port = base.getPort() < 0 ? 80 : base.getPort();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      HttpClientAgent client = vertx.createHttpClient(
          new HttpClientOptions().setDefaultHost(base.getHost()).setDefaultPort(port).setKeepAlive(true).setTcpNoDelay(true),
          new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
      return drive(client, base.getHost(), port, prefix, paths, bodies, rate, warmup, duration, listener);
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Closing the client's Vert.x is best effort once the results are in.
      }
    }
  }

  private static LoadResult drive(HttpClientAgent client, String host, int port, String prefix, List<String> paths, List<String> bodies,
      double rate, Duration warmup, Duration duration, Listener listener) {
    long warmupCount = (long) Math.floor(rate * warmup.toNanos() / 1e9);
    long measuredCount = Math.max(1, (long) Math.floor(rate * duration.toNanos() / 1e9));
    long total = warmupCount + measuredCount;
    double intervalNanos = 1e9 / rate;
    Recorder recorder = new Recorder(MAX_MICROS, 3);
    LongAdder errors = new LongAdder();
    LongAdder completed = new LongAdder();
    AtomicLong pending = new AtomicLong();
    AtomicLong lastCompletion = new AtomicLong();

    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    long measureStart = start + (long) (warmupCount * intervalNanos);
    for (long n = 0; n < total; n++) {
      long intended = start + (long) (n * intervalNanos);
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      boolean measured = n >= warmupCount;
      String uri = prefix + paths.get((int) (n % paths.size()));
      pending.incrementAndGet();
      RequestOptions options = new RequestOptions().setMethod(bodies == null ? HttpMethod.GET : HttpMethod.POST).setHost(host).setPort(port)
          .setURI(uri).setTimeout(REQUEST_TIMEOUT_MS);
      String payload = bodies == null ? null : bodies.get((int) (n % bodies.size()));
      client.request(options)
          .compose(request -> payload == null ? request.send() : request.send(payload))
          .compose(response -> response.body().map(body -> response.statusCode()))
          .onComplete(ar -> {
            long now = System.nanoTime();
            if (measured) {
              long micros = Math.min(MAX_MICROS, Math.max(0, (now - intended) / 1000));
              recorder.recordValue(micros);
              completed.increment();
              lastCompletion.accumulateAndGet(now, Math::max);
              boolean ok = ar.succeeded() && ar.result() >= 200 && ar.result() < 300;
              if (!ok) {
                errors.increment();
              }
              if (listener != null) {
                listener.completed(intended, micros, ok);
              }
            }
            pending.decrementAndGet();
          });
    }
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    Histogram h = recorder.getIntervalHistogram();
    long done = completed.sum();
    long unanswered = measuredCount - done;
    long end = Math.max(lastCompletion.get(), measureStart + 1);
    double seconds = (end - measureStart) / 1e9;
    return new LoadResult(rate, measuredCount, errors.sum() + Math.max(0, unanswered), seconds, done / seconds,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
