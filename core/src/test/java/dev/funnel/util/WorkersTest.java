package dev.funnel.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkersTest {
  @Test
  void runsEveryPartOnceConcurrentlyOnReusedThreads() {
    try (Workers w = new Workers(3, "test-worker", 5)) {
      AtomicIntegerArray runs = new AtomicIntegerArray(3);
      Set<String> threads = ConcurrentHashMap.newKeySet();
      for (int section = 0; section < 200; section++) {
        // the three parts must run at the same time: each waits for the other two
        CyclicBarrier all = new CyclicBarrier(3);
        w.run(3, p -> {
          runs.incrementAndGet(p);
          threads.add(Thread.currentThread().getName() + "#" + Thread.currentThread().getId());
          try {
            all.await(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("parts did not run concurrently", e);
          }
        });
      }
      for (int p = 0; p < 3; p++) {
        assertThat(runs.get(p)).isEqualTo(200);
      }
      // the caller plus two pool threads, reused: not a new thread per section
      assertThat(threads).hasSizeLessThanOrEqualTo(3);
      AtomicIntegerArray one = new AtomicIntegerArray(1);
      w.run(1, p -> one.incrementAndGet(p));
      assertThat(one.get(0)).isEqualTo(1);
    }
  }

  @Test
  void aPartsFailureReachesTheCallerAfterAllPartsEnd() {
    try (Workers w = new Workers(2, "test-worker", 5)) {
      AtomicIntegerArray done = new AtomicIntegerArray(2);
      assertThatThrownBy(() -> w.run(2, p -> {
        done.incrementAndGet(p);
        if (p == 1) {
          throw new IllegalStateException("part 1 failed");
        }
      })).isInstanceOf(IllegalStateException.class).hasMessage("part 1 failed");
      assertThat(done.get(0)).isEqualTo(1);
      assertThat(done.get(1)).isEqualTo(1);
      assertThatThrownBy(() -> w.run(3, p -> {})).hasMessageContaining("parts=3");
      assertThatThrownBy(() -> w.run(0, p -> {})).hasMessageContaining("parts=0");
    }
    assertThatThrownBy(() -> new Workers(0, "x", 1)).hasMessageContaining("threads=0");
  }
}
