package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.store.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private static Event roundTrip(long sequence, Event e) {
    byte[] b = new byte[EventCodec.maxEncodedSize(e) + 3];
    int end = EventCodec.encode(sequence, e, b, 3);
    EventCodec.Decoder d = new EventCodec.Decoder().reset(b, 3, end - 3);
    assertThat(d.sequence()).isEqualTo(sequence);
    return d.event();
  }

  @Test
  void everyFieldRoundTrips() {
    Map<String, String> context = new LinkedHashMap<>();
    context.put("page", "home");
    context.put("slot", "3");
    context.put("émoji", "😀 x");
    Event full = new Event("req-1", "user-1", "item-9", "click", 1_700_000_000_123L, 4.5f, "rec-77", context);
    assertThat(roundTrip(1, full)).isEqualTo(full);
    Event bare = Event.of("u", "i", "view", -5L);
    assertThat(roundTrip(Long.MAX_VALUE, bare)).isEqualTo(bare);
    Event emptyId = new Event("", "u", "i", "t", 0, 0f, "", Map.of());
    assertThat(roundTrip(300, emptyId)).isEqualTo(emptyId);
    assertThat(roundTrip(1, emptyId).value()).isEqualTo(0f);
  }

  @Test
  void longAndNonAsciiStringsMoveTheirLengthPrefix() {
    for (int n : new int[] {127, 128, 16383, 16384, 70_000}) {
      String ascii = "a".repeat(n);
      String greek = "λ".repeat(n / 2 + 1); // 2 bytes each
      String cjk = "語".repeat(n / 3 + 1); // 3 bytes each
      String astral = "𝄞".repeat(n / 4 + 1); // surrogate pair, 4 bytes
      Event e = new Event(astral, ascii, greek, cjk, n, Float.NaN, null, Map.of("k", ascii));
      assertThat(roundTrip(n, e)).as("n=" + n).isEqualTo(e);
    }
  }

  @Test
  void encodingMatchesTheJdkUtf8IncludingUnpairedSurrogates() {
    String[] samples = {"plain", "\uD800", "x\uDC00y", "\uD83D\uDE00", "end\uD83D", "ß€𝄞"};
    for (String s : samples) {
      byte[] b = new byte[5 + 3 * s.length()];
      int end = EventCodec.putString(b, 0, s);
      byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
      assertThat(b[0]).isEqualTo((byte) jdk.length);
      assertThat(java.util.Arrays.copyOfRange(b, 1, end)).as(s).isEqualTo(jdk);
    }
  }

  @Test
  void sameEventSameBytesWhateverTheMapOrder() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("b", "2");
    a.put("a", "1");
    Map<String, String> c = new LinkedHashMap<>();
    c.put("a", "1");
    c.put("b", "2");
    Event x = new Event(null, "u", "i", "t", 1, Float.NaN, null, a);
    Event y = new Event(null, "u", "i", "t", 1, Float.NaN, null, c);
    byte[] bx = new byte[EventCodec.maxEncodedSize(x)];
    byte[] by = new byte[EventCodec.maxEncodedSize(y)];
    int ex = EventCodec.encode(9, x, bx, 0);
    int ey = EventCodec.encode(9, y, by, 0);
    assertThat(java.util.Arrays.copyOf(bx, ex)).isEqualTo(java.util.Arrays.copyOf(by, ey));
  }
}
