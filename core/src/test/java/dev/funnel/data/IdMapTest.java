package dev.funnel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdMapTest {
  @Test
  void denseIdsInOrderOfFirstAppearance() {
    IdMap m = new IdMap();
    assertThat(m.getOrAdd("b")).isEqualTo(0);
    assertThat(m.getOrAdd("a")).isEqualTo(1);
    assertThat(m.getOrAdd("b")).isEqualTo(0);
    assertThat(m.getOrAdd("")).isEqualTo(2);
    assertThat(m.size()).isEqualTo(3);
    assertThat(m.get("a")).isEqualTo(1);
    assertThat(m.get("")).isEqualTo(2);
    assertThat(m.get("c")).isEqualTo(-1);
    assertThat(m.external(0)).isEqualTo("b");
    assertThat(m.external(2)).isEmpty();
    assertThatThrownBy(() -> m.external(3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("dense id 3");
    assertThatThrownBy(() -> m.external(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void equalHashCodesAreToldApart() {
    // "Aa" and "BB" share String.hashCode (2112), as do all 2^k concatenations of them.
    IdMap m = new IdMap(2);
    List<String> same = new ArrayList<>();
    for (int mask = 0; mask < 64; mask++) {
      StringBuilder b = new StringBuilder();
      for (int bit = 0; bit < 6; bit++) {
        b.append((mask >> bit & 1) == 0 ? "Aa" : "BB");
      }
      same.add(b.toString());
    }
    assertThat(same.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    for (int i = 0; i < same.size(); i++) {
      assertThat(m.getOrAdd(same.get(i))).isEqualTo(i);
    }
    for (int i = 0; i < same.size(); i++) {
      assertThat(m.get(same.get(i))).isEqualTo(i);
      assertThat(m.external(i)).isEqualTo(same.get(i));
    }
    assertThat(m.get("AaAaAaAaAaAB")).isEqualTo(-1);
  }

  @Test
  void agreesWithAHashMapOnRandomIds() {
    long seed = System.nanoTime();
    System.out.println("IdMapTest.agreesWithAHashMapOnRandomIds seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    IdMap m = new IdMap(r.nextInt(1, 50));
    Map<String, Integer> reference = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (int n = 0; n < 200_000; n++) {
      String id = randomId(r);
      Integer expected = reference.get(id);
      if (r.nextInt(4) == 0) {
        assertThat(m.get(id)).as("get %s, seed %d", id, seed).isEqualTo(expected == null ? -1 : expected);
        continue;
      }
      if (expected == null) {
        expected = order.size();
        reference.put(id, expected);
        order.add(id);
      }
      assertThat(m.getOrAdd(id)).as("getOrAdd %s, seed %d", id, seed).isEqualTo(expected);
    }
    assertThat(m.size()).isEqualTo(order.size());
    for (int i = 0; i < order.size(); i++) {
      assertThat(m.external(i)).as("seed %d", seed).isEqualTo(order.get(i));
      assertThat(m.get(order.get(i))).isEqualTo(i);
    }
    assertThat(m.hashCode()).as("List.hashCode of the ids").isEqualTo(order.hashCode());
  }

  @Test
  void externalMakesEachStringOnce() {
    IdMap m = new IdMap();
    m.getOrAdd(new String("item-1"));
    String first = m.external(0);
    assertThat(m.external(0)).isSameAs(first).isEqualTo("item-1");
  }

  @Test
  void writingDoesNotChangeWhatExternalReturns() throws IOException {
    IdMap m = new IdMap();
    m.getOrAdd("a");
    m.getOrAdd("b");
    String a = m.external(0);
    m.writeTo(new DataOutputStream(new ByteArrayOutputStream()));
    assertThat(m.external(0)).isSameAs(a);
    assertThat(m.external(1)).isEqualTo("b");
  }

  @Test
  void roundTripsThroughItsBinaryForm() throws IOException {
    IdMap m = new IdMap();
    for (String id : List.of("u1", "ü-ñ", "\uD83D\uDE00 emoji", "", "x".repeat(1000))) {
      m.getOrAdd(id);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    m.writeTo(new DataOutputStream(bytes));
    IdMap read = IdMap.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(read).isEqualTo(m);
    assertThat(read.hashCode()).isEqualTo(m.hashCode());
    for (int i = 0; i < m.size(); i++) {
      assertThat(read.external(i)).isEqualTo(m.external(i));
      assertThat(read.get(m.external(i))).isEqualTo(i);
    }
  }

  @Test
  void readRefusesADuplicateAndANegativeCount() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(3);
    out.writeUTF("a");
    out.writeUTF("b");
    out.writeUTF("a");
    assertThatThrownBy(() -> IdMap.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
        .isInstanceOf(IOException.class).hasMessageContaining("duplicate id 'a' at position 2");
    assertThatThrownBy(() -> IdMap.readFrom(new DataInputStream(new ByteArrayInputStream(new byte[] {-1, 0, 0, 0}))))
        .isInstanceOf(IOException.class).hasMessageContaining("negative size");
  }

  @Test
  void equalityIsTheOrderedIdList() {
    IdMap ab = new IdMap();
    ab.getOrAdd("a");
    ab.getOrAdd("b");
    IdMap ba = new IdMap(100);
    ba.getOrAdd("b");
    ba.getOrAdd("a");
    IdMap ab2 = new IdMap(100);
    ab2.getOrAdd("a");
    ab2.getOrAdd("b");
    IdMap split = new IdMap();
    split.getOrAdd("ab");
    split.getOrAdd("");
    IdMap joined = new IdMap();
    joined.getOrAdd("a");
    joined.getOrAdd("b");
    joined.getOrAdd("");
    assertThat(ab).isEqualTo(ab2).isNotEqualTo(ba).isNotEqualTo(split);
    assertThat(ab.hashCode()).isEqualTo(ab2.hashCode()).isEqualTo(List.of("a", "b").hashCode());
    assertThat(split).isNotEqualTo(joined);
  }

  @Test
  void aCopyGrowsOnItsOwn() {
    IdMap m = new IdMap();
    m.getOrAdd("a");
    m.getOrAdd("b");
    IdMap copy = m.copy();
    assertThat(copy).isEqualTo(m);
    for (int i = 0; i < 1000; i++) {
      copy.getOrAdd("c" + i);
    }
    assertThat(copy.size()).isEqualTo(1002);
    assertThat(m.size()).isEqualTo(2);
    assertThat(m.get("c5")).isEqualTo(-1);
    assertThat(copy.get("c5")).isEqualTo(7);
    assertThat(copy.get("b")).isEqualTo(1);
    assertThat(m.getOrAdd("z")).isEqualTo(2);
    assertThat(copy.get("z")).isEqualTo(-1);
  }

  private static String randomId(SplittableRandom r) {
    return switch (r.nextInt(3)) {
      case 0 -> "u" + r.nextInt(30_000);
      case 1 -> Long.toString(r.nextLong(1L << 40), 36);
      default -> {
        char[] c = new char[r.nextInt(0, 6)];
        for (int i = 0; i < c.length; i++) {
          c[i] = (char) r.nextInt(0x20, 0x3000);
        }
        yield new String(c);
      }
    };
  }
}
