package dev.funnel.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short CI version of the {@code crash} preset: the real server as a child process, killed with
 * {@code kill -9} while clients stream events, {@code -Dfunnel.crash.rounds} rounds (default 2); seed
 * {@code -Dfunnel.crash.seed}.
 */
class CrashBenchTest {
  @TempDir Path tmp;

  @Test
  void everyAcknowledgedEventSurvivesKill9OfTheServerExactlyOnce() throws Exception {
    long seed = Long.getLong("funnel.crash.seed", System.nanoTime());
    int rounds = Integer.getInteger("funnel.crash.rounds", 2);
    System.out.println("CrashBenchTest seed " + seed + " (-Dfunnel.crash.seed), rounds " + rounds);
    CrashBench.Outcome o = CrashBench.run(tmp.resolve("data"), rounds, 3, 20, seed, 1000, 2500);
    System.out.println("CrashBenchTest " + o);
    assertThat(o.rounds()).isEqualTo(rounds);
    assertThat(o.acknowledged()).as("the clients got acknowledgements").isPositive();
    assertThat(o.lost()).isZero();
    assertThat(o.duplicated()).isZero();
  }
}
