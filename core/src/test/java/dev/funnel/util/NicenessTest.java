package dev.funnel.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NicenessTest {
  @Test
  void lowersOnlyTheCallingThread() throws Exception {
    assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/renice")) || Files.isExecutable(Path.of("/bin/renice")), "renice is not installed here");
    int before = Niceness.currentNice();
    assumeTrue(before == 0, "the test JVM runs at nice 0; it runs at " + before);
    AtomicReference<Boolean> took = new AtomicReference<>();
    AtomicInteger seen = new AtomicInteger(Integer.MIN_VALUE);
    Thread t = new Thread(() -> {
      took.set(Niceness.set(7));
      seen.set(Niceness.currentNice());
    });
    t.start();
    t.join();
    assertThat(took.get()).as("Niceness.set reports success").isTrue();
    assertThat(seen.get()).isEqualTo(7);
    assertThat(Niceness.currentNice()).as("the calling test thread is unchanged").isEqualTo(before);
  }

  @Test
  void threadIdIsTheKernelsId() {
    assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
    long tid = Niceness.currentThreadId();
    assertThat(Path.of("/proc/self/task/" + tid)).exists();
  }

  @Test
  void rejectsValuesOutsideTheRange() {
    assertThatThrownBy(() -> Niceness.set(20)).hasMessage("nice must be in 0..19 (0: unchanged); nice=20");
    assertThatThrownBy(() -> Niceness.set(-1)).hasMessageContaining("nice=-1");
  }

  @Test
  void zeroLeavesTheThreadAlone() {
    assertThat(Niceness.set(0)).isFalse();
  }
}
