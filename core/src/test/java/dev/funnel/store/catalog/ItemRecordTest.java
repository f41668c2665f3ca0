package dev.funnel.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemRecordTest {
  @Test
  void defaultsAndNormalisation() {
    ItemRecord r = new ItemRecord("a", Arrays.asList("x", "y", "x"), null,
        Map.of("n", 3, "f", 1.5f, "big", BigInteger.TEN, "s", "v"), true, null, null);
    assertThat(r.categories()).containsExactly("x", "y");
    assertThat(r.tags()).isEmpty();
    assertThat(r.attributes()).containsExactly(Map.entry("big", 10L), Map.entry("f", 1.5), Map.entry("n", 3L),
        Map.entry("s", "v"));
    assertThat(ItemRecord.of("a").available()).isTrue();
  }

  @Test
  void invalidFieldsAreNamedWithTheirValue() {
    assertThatThrownBy(() -> ItemRecord.of("")).hasMessage("item id must be non-empty; id=\"\"");
    assertThatThrownBy(() -> ItemRecord.of("y".repeat(257))).hasMessageContaining("item id must be at most 256 characters")
        .hasMessageContaining("(257 characters)");
    assertThat(ItemRecord.of("y".repeat(256)).id()).hasSize(256);
    assertThatThrownBy(() -> new ItemRecord("a", List.of("ok", ""), List.of(), Map.of(), true, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("categories[1] must have 1 to 256 characters; categories[1]=\"\"");
    assertThatThrownBy(() -> new ItemRecord("a", List.of(), List.of(), Map.of("vip", true), true, null, null))
        .hasMessage("attributes.vip must be a number or a string; attributes.vip=true (Boolean)");
    assertThatThrownBy(() -> new ItemRecord("a", List.of(), List.of(), Map.of("p", Double.NaN), true, null, null))
        .hasMessage("attributes.p must be a finite number; attributes.p=NaN");
    assertThatThrownBy(() -> new ItemRecord("a", List.of(), List.of(), Map.of("p", BigInteger.TWO.pow(70)), true, null,
        null)).hasMessageContaining("attributes.p is outside the 64-bit integer range");
    assertThatThrownBy(() -> new ItemRecord("a", List.of(), List.of(), Map.of("", 1), true, null, null))
        .hasMessageContaining("attribute names must have 1 to 256 characters; name=\"\"");
  }

  @Test
  void fromMapReadsJsonShapesAndRefusesWrongOnes() {
    Map<String, Object> json = new HashMap<>();
    json.put("categories", List.of("c"));
    json.put("attributes", Map.of("price", 9.5));
    json.put("available", false);
    json.put("expires_at", 1_800_000_000_000L);
    ItemRecord r = ItemRecord.fromMap("i1", json);
    assertThat(r).isEqualTo(new ItemRecord("i1", List.of("c"), List.of(), Map.of("price", 9.5), false, null,
        1_800_000_000_000L));
    assertThat(ItemRecord.fromMap("i1", r.toMap())).isEqualTo(r);

    assertThatThrownBy(() -> ItemRecord.fromMap("i1", Map.of("colour", "red")))
        .hasMessageContaining("unknown item field \"colour\"").hasMessageContaining("published_at");
    assertThatThrownBy(() -> ItemRecord.fromMap("i1", Map.of("id", "i2")))
        .hasMessageContaining("must match the item id \"i1\"; id=\"i2\"");
    assertThatThrownBy(() -> ItemRecord.fromMap("i1", Map.of("available", "yes")))
        .hasMessage("available must be true or false; available=\"yes\"");
    assertThatThrownBy(() -> ItemRecord.fromMap("i1", Map.of("published_at", 1.5)))
        .hasMessage("published_at must be an integer epoch milliseconds or null; published_at=1.5 (Double)");
    assertThatThrownBy(() -> ItemRecord.fromMap("i1", Map.of("tags", List.of("a", 3))))
        .hasMessage("tags[1] must be a string; tags[1]=3 (Integer)");
    assertThatThrownBy(() -> ItemRecord.fromMap("i1", Map.of("tags", "a")))
        .hasMessage("tags must be an array of strings; tags=\"a\"");
  }

  @Test
  void recommendableAtHonoursAvailabilityAndTimes() {
    ItemRecord r = new ItemRecord("a", List.of(), List.of(), Map.of(), true, 100L, 200L);
    assertThat(r.recommendableAt(99)).isFalse();
    assertThat(r.recommendableAt(100)).isTrue();
    assertThat(r.recommendableAt(199)).isTrue();
    assertThat(r.recommendableAt(200)).isFalse();
    assertThat(ItemPatch.empty().available(false).applyTo(r).recommendableAt(150)).isFalse();
  }

  @Test
  void patchFromMapRefusesUnknownAndIdFields() {
    assertThatThrownBy(() -> ItemPatch.fromMap(Map.of("id", "x")))
        .hasMessageContaining("unknown or unchangeable item field \"id\"");
    assertThatThrownBy(() -> ItemPatch.fromMap(Map.of("available", 1)))
        .hasMessage("available must be true, false or null; available=1 (Integer)");
    assertThatThrownBy(() -> UserPatch.fromMap(Map.of("age", 3))).hasMessageContaining("unknown or unchangeable user field");
    assertThat(ItemPatch.empty().isEmpty()).isTrue();
    assertThat(ItemPatch.fromMap(Map.of("tags", List.of())).fieldsSet()).containsExactly("tags");
  }

  @Test
  void patchAttributeChangesMergeInOrder() {
    ItemRecord r = new ItemRecord("a", List.of(), List.of(), Map.of("x", 1L, "y", 2L), true, null, null);
    Map<String, Object> removeY = new HashMap<>();
    removeY.put("y", null);
    ItemPatch p = ItemPatch.empty().attributes(Map.of("x", 5L)).attributes(removeY).attributes(Map.of("z", "s"));
    assertThat(p.applyTo(r).attributes()).containsExactly(Map.entry("x", 5L), Map.entry("z", "s"));
    assertThat(ItemPatch.empty().attributes(Map.of("x", 5L)).attributes(null).attributes(Map.of("w", 1L)).applyTo(r)
        .attributes()).containsExactly(Map.entry("w", 1L));
  }
}
