package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.client.FunnelClient;
import dev.funnel.client.FunnelEvent;
import dev.funnel.client.FunnelException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during ingest, with a real child process: clients stream events (each with a unique id)
 * through {@link FunnelClient}; after some acknowledgements the child gets SIGTERM. It must exit with
 * status 0 (within its shutdown bound), and after reopening the data directory (the lock was released)
 * every acknowledged event is in the log exactly once.
 */
class GracefulShutdownTest {
  @TempDir Path data;
  @TempDir Path tmp;

  @Test
  void sigtermDrainsSyncsAndExitsZero() throws Exception {
    int boundSeconds = 20;
    Path stderr = tmp.resolve("probe.err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), ShutdownProbe.class.getName(),
        data.toString(), Integer.toString(boundSeconds)).redirectError(stderr.toFile()).start();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger ackedAfterSignal = new AtomicInteger();
    AtomicReference<Throwable> beforeSignal = new AtomicReference<>();
    List<Thread> clients = new ArrayList<>();
    CountDownLatch enough = new CountDownLatch(300);
    volatileSignalled = false;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).as("probe start; stderr: %s", Files.exists(stderr) ? Files.readString(stderr) : "").startsWith("port ");
      URI base = URI.create("http://127.0.0.1:" + first.substring(5).trim());
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread c = new Thread(() -> {
          FunnelClient client = FunnelClient.builder(base).timeout(Duration.ofSeconds(30)).build();
          for (int batch = 0; ; batch++) {
            List<FunnelEvent> events = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
              events.add(FunnelEvent.of("u" + thread, k % 2 == 0 ? "a0" : "a1", "click").withId("t" + thread + "-" + batch + "-" + k));
            }
            try {
              int accepted = client.sendEvents(events).accepted();
              if (accepted != events.size()) {
                beforeSignal.compareAndSet(null, new AssertionError("accepted " + accepted + " of " + events.size()));
              }
              for (FunnelEvent e : events) {
                acknowledged.add(e.id());
                enough.countDown();
              }
              if (volatileSignalled) {
                ackedAfterSignal.addAndGet(events.size());
              }
            } catch (FunnelException e) {
              if (!volatileSignalled) {
                beforeSignal.compareAndSet(null, e);
              }
              return; // refused or cut off once the server stops: expected after the signal
            }
          }
        }, "client-" + t);
        c.start();
        clients.add(c);
      }
      assertThat(enough.await(60, TimeUnit.SECONDS)).as("300 events acknowledged before the signal").isTrue();
      volatileSignalled = true;
      long signalledAt = System.nanoTime();
      assertThat(p.toHandle().destroy()).as("SIGTERM sent").isTrue(); // SIGTERM; Process.destroy() would also close our pipes
      assertThat(p.waitFor(boundSeconds + 30L, TimeUnit.SECONDS)).as("the process exits").isTrue();
      stoppedMillis = (System.nanoTime() - signalledAt) / 1_000_000;
      for (Thread c : clients) {
        c.join(60_000);
      }
      String rest = out.lines().reduce("", (a, b) -> a + b + "\n");
      assertThat(p.exitValue()).as("exit status; stdout: %s stderr: %s", rest, Files.readString(stderr)).isZero();
      assertThat(rest).contains("stopped by SIGTERM");
    } finally {
      p.destroyForcibly();
    }
    assertThat(beforeSignal.get()).as("no failure before the signal").isNull();
    System.out.println("GracefulShutdownTest: acknowledged " + acknowledged.size() + " events, " + ackedAfterSignal.get() + " after SIGTERM; exited " + stoppedMillis + " ms after the signal");

    // Reopening works (the lock was released) and every acknowledged event is there exactly once.
    Map<String, Integer> logged = new HashMap<>();
    try (LiveService live = LiveService.open(data, null, LiveService.Config.defaults())) {
      assertThat(live.openReport().recovery().clean()).as("a clean close leaves no torn tail: %s", live.openReport().summary()).isTrue();
      live.log().replay(1, e -> logged.merge(e.event().id(), 1, Integer::sum));
    }
    for (String id : acknowledged) {
      assertThat(logged.get(id)).as("acknowledged event %s", id).isEqualTo(1);
    }
    assertThat(logged.values()).allMatch(n -> n == 1);
  }

  private static volatile boolean volatileSignalled;
  private static long stoppedMillis;
}
