package dev.funnel.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CatalogCodecTest {
  /**
   * Format version 1, checked by hand against the layout in CatalogCodec and docs/formats.md:
   * 01 version | 03 flags (available, has published_at) | 0000000000000001 published_at=1
   * | 01 01 63 categories ["c"] | 00 tags [] | 01 01 70 00 0000000000000002 attributes {p: long 2}.
   */
  private static final String GOLDEN_ITEM = "0103000000000000000101016300010170000000000000000002";

  @Test
  void itemLayoutIsStable() {
    ItemRecord item = new ItemRecord("i1", List.of("c"), List.of(), Map.of("p", 2L), true, 1L, null);
    assertThat(HexFormat.of().formatHex(CatalogCodec.encodeItem(item))).isEqualTo(GOLDEN_ITEM);
    assertThat(CatalogCodec.decodeItem("i1", HexFormat.of().parseHex(GOLDEN_ITEM))).isEqualTo(item);
  }

  @Test
  void userLayoutIsStable() {
    // 01 version | 01 one attribute | 01 61 "a" | 01 double | 3ff8000000000000 (1.5)
    UserRecord user = new UserRecord("u", Map.of("a", 1.5));
    assertThat(HexFormat.of().formatHex(CatalogCodec.encodeUser(user))).isEqualTo("0101016101" + "3ff8000000000000");
  }

  @Test
  void randomRecordsRoundTrip() {
    long seed = System.nanoTime();
    System.out.println("CatalogCodecTest.randomRecordsRoundTrip seed=" + seed);
    Random rnd = new Random(seed);
    for (int n = 0; n < 500; n++) {
      List<String> cats = new ArrayList<>();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        cats.add(randomString(rnd));
      }
      Map<String, Object> attrs = new HashMap<>();
      for (int i = rnd.nextInt(5); i > 0; i--) {
        Object v = switch (rnd.nextInt(3)) {
          case 0 -> rnd.nextLong();
          case 1 -> rnd.nextGaussian() * 1e6;
          default -> randomString(rnd);
        };
        attrs.put(randomString(rnd), v);
      }
      ItemRecord item = new ItemRecord("id" + n, cats, List.of(randomString(rnd)), attrs, rnd.nextBoolean(),
          rnd.nextBoolean() ? rnd.nextLong() : null, rnd.nextBoolean() ? rnd.nextLong() : null);
      assertThat(CatalogCodec.decodeItem(item.id(), CatalogCodec.encodeItem(item))).as("seed %d", seed).isEqualTo(item);
      UserRecord user = new UserRecord("u" + n, attrs);
      assertThat(CatalogCodec.decodeUser(user.id(), CatalogCodec.encodeUser(user))).isEqualTo(user);
    }
  }

  private static String randomString(Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
      sb.appendCodePoint(rnd.nextInt(4) == 0 ? 0x4E00 + rnd.nextInt(500) : 'a' + rnd.nextInt(26));
    }
    return sb.toString();
  }

  @Test
  void damagedValuesFailNamingTheRecord() {
    byte[] golden = HexFormat.of().parseHex(GOLDEN_ITEM);
    byte[] truncated = java.util.Arrays.copyOf(golden, golden.length - 3);
    assertThatThrownBy(() -> CatalogCodec.decodeItem("i1", truncated)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("corrupt catalog item record; id=\"i1\": truncated");
    byte[] future = golden.clone();
    future[0] = 9;
    assertThatThrownBy(() -> CatalogCodec.decodeItem("i1", future))
        .hasMessageContaining("record format version 9 is not one this Funnel reads");
    byte[] trailing = java.util.Arrays.copyOf(golden, golden.length + 1);
    assertThatThrownBy(() -> CatalogCodec.decodeItem("i1", trailing)).hasMessageContaining("1 unexpected trailing bytes");
  }
}
