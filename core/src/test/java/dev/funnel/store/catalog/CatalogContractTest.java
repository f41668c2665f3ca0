package dev.funnel.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Catalog} implementation must do, on real files. A subclass supplies
 * {@link #open(Path)}; reopening the same directory must see every acknowledged write.
 */
public abstract class CatalogContractTest {
  @TempDir protected Path tmp;
  protected Path dir;
  protected Catalog catalog;

  /** Opens (creating when absent) the implementation's store in {@code dir}. */
  protected abstract Catalog open(Path dir);

  @BeforeEach
  void openCatalog() {
    dir = tmp.resolve("catalog");
    catalog = open(dir);
  }

  @AfterEach
  void closeCatalog() {
    catalog.close();
  }

  private Catalog reopen() {
    catalog.close();
    catalog = open(dir);
    return catalog;
  }

  static ItemRecord shoe() {
    return new ItemRecord("shoe-1", List.of("shoes", "sale"), List.of("red"),
        Map.of("price", 59.9, "stock", 3L, "brand", "Acme"), true, 1_700_000_000_000L, 1_800_000_000_000L);
  }

  @Test
  void putGetRoundTripAndAbsentIds() {
    catalog.putItem(shoe());
    catalog.putUser(new UserRecord("u1", Map.of("age", 31L, "country", "FR")));
    assertThat(catalog.getItem("shoe-1")).contains(shoe());
    assertThat(catalog.getUser("u1")).contains(new UserRecord("u1", Map.of("age", 31L, "country", "FR")));
    assertThat(catalog.getItem("nope")).isEmpty();
    assertThat(catalog.getUser("shoe-1")).as("items and users are separate namespaces").isEmpty();
    assertThat(catalog.getItem("u1")).isEmpty();
  }

  @Test
  void putReplacesTheWholeRecord() {
    catalog.putItem(shoe());
    ItemRecord bare = ItemRecord.of("shoe-1");
    catalog.putItem(bare);
    assertThat(catalog.getItem("shoe-1")).contains(bare);
  }

  @Test
  void patchChangesOnlyGivenFieldsAndNullClears() {
    catalog.putItem(shoe());
    ItemRecord patched = catalog.patchItem("shoe-1",
        ItemPatch.empty().tags(List.of("blue")).attributes(Map.of("price", 49.9)).available(false)).orElseThrow();
    ItemRecord expected = new ItemRecord("shoe-1", List.of("shoes", "sale"), List.of("blue"),
        Map.of("price", 49.9, "stock", 3L, "brand", "Acme"), false, 1_700_000_000_000L, 1_800_000_000_000L);
    assertThat(patched).isEqualTo(expected);
    assertThat(catalog.getItem("shoe-1")).contains(expected);

    Map<String, Object> clearing = new HashMap<>();
    clearing.put("expires_at", null);
    clearing.put("categories", null);
    clearing.put("available", null);
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("stock", null);
    clearing.put("attributes", attrs);
    ItemRecord cleared = catalog.patchItem("shoe-1", ItemPatch.fromMap(clearing)).orElseThrow();
    assertThat(cleared).isEqualTo(new ItemRecord("shoe-1", List.of(), List.of("blue"),
        Map.of("price", 49.9, "brand", "Acme"), true, 1_700_000_000_000L, null));
    assertThat(reopen().getItem("shoe-1")).contains(cleared);

    assertThat(catalog.patchItem("shoe-1", ItemPatch.empty().attributes(null)).orElseThrow().attributes()).isEmpty();
  }

  @Test
  void patchOfAnAbsentRecordStoresNothing() {
    assertThat(catalog.patchItem("ghost", ItemPatch.empty().available(false))).isEmpty();
    assertThat(catalog.getItem("ghost")).isEmpty();
    assertThat(catalog.patchUser("ghost", UserPatch.empty().attributes(Map.of("a", 1L)))).isEmpty();
    assertThat(catalog.getUser("ghost")).isEmpty();
  }

  @Test
  void userPatchMergesAttributes() {
    catalog.putUser(new UserRecord("u1", Map.of("age", 31L, "country", "FR")));
    Map<String, Object> change = new HashMap<>();
    change.put("country", null);
    change.put("plan", "pro");
    assertThat(catalog.patchUser("u1", UserPatch.fromMap(Map.of("attributes", change))))
        .contains(new UserRecord("u1", Map.of("age", 31L, "plan", "pro")));
  }

  @Test
  void deleteRemovesAndReportsWhetherItExisted() {
    catalog.putItem(shoe());
    catalog.putUser(UserRecord.of("u1"));
    assertThat(catalog.deleteItem("shoe-1")).isTrue();
    assertThat(catalog.deleteItem("shoe-1")).isFalse();
    assertThat(catalog.deleteUser("u1")).isTrue();
    assertThat(catalog.deleteUser("u1")).isFalse();
    assertThat(catalog.getItem("shoe-1")).isEmpty();
    reopen();
    assertThat(catalog.getItem("shoe-1")).isEmpty();
    assertThat(catalog.getUser("u1")).isEmpty();
  }

  @Test
  void everyAcknowledgedWriteSurvivesReopen() {
    List<ItemRecord> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(new ItemRecord("item-" + i, List.of("c" + (i % 7)), List.of(), Map.of("n", (long) i), i % 3 != 0, null,
          null));
    }
    catalog.putItems(batch);
    catalog.putUsers(List.of(UserRecord.of("a"), new UserRecord("b", Map.of("x", 1.5))));
    catalog.patchItem("item-9", ItemPatch.empty().expiresAt(5L));
    catalog.deleteItem("item-10");
    reopen();
    List<ItemRecord> seen = new ArrayList<>();
    catalog.forEachItem(seen::add);
    assertThat(seen).hasSize(499);
    assertThat(catalog.getItem("item-9").orElseThrow().expiresAt()).isEqualTo(5L);
    assertThat(catalog.getItem("item-10")).isEmpty();
    assertThat(catalog.getItem("item-499")).contains(batch.get(499));
    assertThat(catalog.getUser("b")).contains(new UserRecord("b", Map.of("x", 1.5)));
  }

  @Test
  void iterationIsInUtf8ByteOrderOfIds() {
    // "\uFF21" (fullwidth A, UTF-8 EF BC A1) sorts before "\uD834\uDD1E" (U+1D11E, UTF-8 F0 ...) in byte
    // order although String.compareTo puts the surrogate pair first: the documented order is bytes.
    List<String> ids = List.of("b", "a", "\u00e9", "Z", "aa", "\u65e5\u672c", "\uD834\uDD1E", "\uFF21", "10", "9");
    for (String id : ids) {
      catalog.putItem(ItemRecord.of(id));
      catalog.putUser(UserRecord.of(id));
    }
    List<String> expected = List.of("10", "9", "Z", "a", "aa", "b", "\u00e9", "\u65e5\u672c", "\uFF21", "\uD834\uDD1E");
    List<String> items = new ArrayList<>();
    catalog.forEachItem(r -> items.add(r.id()));
    List<String> users = new ArrayList<>();
    catalog.forEachUser(r -> users.add(r.id()));
    assertThat(items).containsExactlyElementsOf(expected);
    assertThat(users).containsExactlyElementsOf(expected);
  }

  @Test
  void invalidIdsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> catalog.getItem("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("item id must be non-empty");
    String tooLong = "x".repeat(257);
    assertThatThrownBy(() -> catalog.patchUser(tooLong, UserPatch.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user id must be at most 256")
        .hasMessageContaining("257 characters");
    assertThatThrownBy(() -> catalog.deleteItem(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id=null");
  }

  @Test
  void concurrentWritersLoseNothing() throws Exception {
    int threads = 4;
    int sharedItems = 5;
    int rounds = 60;
    for (int k = 0; k < sharedItems; k++) {
      catalog.putItem(ItemRecord.of("shared-" + k));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int j = 0; j < rounds; j++) {
            // Patches of different attributes of the same items: a lost update would drop one.
            catalog.patchItem("shared-" + (j % sharedItems), ItemPatch.empty().attributes(Map.of("t" + thread, (long) j)));
            catalog.putItem(new ItemRecord("own-" + thread + "-" + j, List.of(), List.of(), Map.of("j", (long) j), true,
                null, null));
            if (j % 10 == 0) {
              catalog.putItems(List.of(ItemRecord.of("batch-" + thread + "-" + j), ItemRecord.of("shared-batch")));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    reopen();
    for (int k = 0; k < sharedItems; k++) {
      Map<String, Object> attrs = catalog.getItem("shared-" + k).orElseThrow().attributes();
      int last = k + ((rounds - 1 - k) / sharedItems) * sharedItems;
      for (int t = 0; t < threads; t++) {
        assertThat(attrs).as("shared-%d attributes", k).containsEntry("t" + t, (long) last);
      }
    }
    long[] count = new long[1];
    catalog.forEachItem(r -> count[0]++);
    assertThat(count[0]).isEqualTo(sharedItems + threads * rounds + threads * (rounds / 10) + 1);
  }

  @Test
  void deletedUserLeavesNoBytesInTheFilesAfterCompaction() throws IOException {
    String marker = "erase-me-7f3a9c";
    catalog.putUser(new UserRecord(marker, Map.of("email", marker + "@example.com")));
    catalog.putUser(UserRecord.of("keep"));
    catalog.close();
    catalog = open(dir); // the profile is now in the store's files, not just in memory
    assertThat(catalog.deleteUser(marker)).isTrue();
    catalog.compact();
    // A store may keep the erased id in metadata history (RocksDB's MANIFEST names former file
    // boundary keys) until the next open rewrites it: Catalog.compact documents "compact, then reopen".
    reopen().close();
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as("bytes of the erased user in %s", f).isEqualTo(-1);
      }
    }
    catalog = open(dir);
    assertThat(catalog.getUser(marker)).isEmpty();
    assertThat(catalog.getUser("keep")).isPresent();
  }

  @Test
  void aClosedCatalogFailsClearly() {
    catalog.close();
    assertThatThrownBy(() -> catalog.getItem("a")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    catalog.close(); // idempotent
    catalog = open(dir);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
