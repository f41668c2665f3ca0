package dev.funnel.store.catalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run as a child process by {@link RocksCatalogCrashTest}: writes items from number {@code args[1]}
 * on forever (single puts, batches and patches in turn) and prints "ack ID VALUE" after each write
 * returns, until killed.
 */
public final class CatalogCrashProbe {
  private CatalogCrashProbe() {}

  public static void main(String[] args) {
    RocksCatalog catalog = RocksCatalog.open(Path.of(args[0]));
    System.out.println("ready");
    System.out.flush();
    for (long i = Long.parseLong(args[1]); ; i++) {
      String id = "item-" + i;
      switch ((int) (i % 3)) {
        case 0 -> catalog.putItem(new ItemRecord(id, List.of("c"), List.of(), Map.of("v", i), true, null, null));
        case 1 -> catalog.putItems(List.of(new ItemRecord(id, List.of(), List.of(), Map.of("v", i), true, null, null)));
        default -> {
          catalog.putItem(ItemRecord.of(id));
          catalog.patchItem(id, ItemPatch.empty().attributes(Map.of("v", i)));
        }
      }
      System.out.println("ack " + id + " " + i);
      System.out.flush();
    }
  }
}
