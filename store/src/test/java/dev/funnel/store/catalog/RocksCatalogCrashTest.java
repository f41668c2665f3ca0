package dev.funnel.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child process writes to the catalog and is killed with SIGKILL at a seeded moment; every
 * write it acknowledged (printed after the call returned) must be there after reopening.
 */
class RocksCatalogCrashTest {
  @TempDir Path tmp;

  @Test
  void acknowledgedWritesSurviveKillMinus9() throws Exception {
    long seed = System.nanoTime();
    System.out.println("RocksCatalogCrashTest seed=" + seed);
    Random rnd = new Random(seed);
    Path dir = tmp.resolve("catalog");
    Map<String, Long> acknowledged = new LinkedHashMap<>();
    for (int round = 0; round < 3; round++) {
      int killAfter = 50 + rnd.nextInt(250);
      Path stderr = tmp.resolve("probe-" + round + ".err");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          CatalogCrashProbe.class.getName(), dir.toString(), String.valueOf(round * 1_000_000L))
          // stderr apart: JVMs print warnings there (JDK 24+ on RocksDB's native loading), stdout is the protocol.
          .redirectError(stderr.toFile()).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        int acks = 0;
        String line;
        while (acks < killAfter && (line = out.readLine()) != null) {
          if (line.startsWith("ack ")) {
            String[] parts = line.split(" ");
            acknowledged.put(parts[1], Long.parseLong(parts[2]));
            acks++;
          } else if (!line.equals("ready")) {
            throw new AssertionError("probe said: " + line + " (seed " + seed + "); stderr: " + Files.readString(stderr));
          }
        }
        assertThat(acks).as("probe acknowledged writes before dying (seed %d); stderr: %s", seed, Files.readString(stderr))
            .isEqualTo(killAfter);
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      try (RocksCatalog catalog = RocksCatalog.open(dir)) {
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
          ItemRecord r = catalog.getItem(e.getKey()).orElseThrow(
              () -> new AssertionError("acknowledged " + e.getKey() + " lost (seed " + seed + ")"));
          // Every round writes new ids, so all earlier rounds' acknowledgements are checked again too.
          assertThat(r.attributes().get("v")).as("%s (seed %d)", e.getKey(), seed).isEqualTo(e.getValue());
        }
      }
    }
    assertThat(acknowledged).isNotEmpty();
  }

}
