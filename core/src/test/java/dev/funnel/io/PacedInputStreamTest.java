package dev.funnel.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacedInputStreamTest {
  @Test
  void passesEveryByteThroughAndRestsInProportionToTheDuty() throws IOException {
    long seed = 20261124L;
    System.out.println("seed " + seed);
    byte[] data = new byte[1 << 20];
    new Random(seed).nextBytes(data);
    List<Long> rests = new ArrayList<>();
    // busy slice of 1 ns: every read after the first slice rests; duty 0.25 rests 3x the slice.
    try (PacedInputStream in = new PacedInputStream(new ByteArrayInputStream(data), 0.25, 1, rests::add)) {
      byte[] out = new byte[data.length];
      int n = 0;
      while (n < out.length) {
        int r = in.read(out, n, Math.min(4096, out.length - n));
        assertThat(r).isPositive();
        n += r;
      }
      assertThat(in.read()).isEqualTo(-1);
      assertThat(out).isEqualTo(data);
      assertThat(in.rests()).isEqualTo(rests.size()).isGreaterThan(100);
    }
    assertThat(rests).allMatch(nanos -> nanos == 3);
  }

  @Test
  void fullDutyNeverRests() throws IOException {
    List<Long> rests = new ArrayList<>();
    try (PacedInputStream in = new PacedInputStream(new ByteArrayInputStream(new byte[100_000]), 1.0, 1, rests::add)) {
      assertThat(in.readAllBytes()).hasSize(100_000);
    }
    assertThat(rests).isEmpty();
  }

  @Test
  void aLongSliceDoesNotRestOnAFastRead() throws IOException {
    List<Long> rests = new ArrayList<>();
    try (PacedInputStream in = new PacedInputStream(new ByteArrayInputStream(new byte[1000]), 0.5, 60_000_000_000L, rests::add)) {
      assertThat(in.readAllBytes()).hasSize(1000);
    }
    assertThat(rests).isEmpty();
  }

  @Test
  void refusesADutyOutsideZeroToOne() {
    assertThatThrownBy(() -> new PacedInputStream(new ByteArrayInputStream(new byte[0]), 0, 1))
        .hasMessage("duty must be in (0, 1]; duty=0.0");
    assertThatThrownBy(() -> new PacedInputStream(new ByteArrayInputStream(new byte[0]), 1.5, 1))
        .hasMessage("duty must be in (0, 1]; duty=1.5");
    assertThatThrownBy(() -> new PacedInputStream(new ByteArrayInputStream(new byte[0]), 0.5, 0))
        .hasMessage("busyNanos must be positive; busyNanos=0");
  }
}
