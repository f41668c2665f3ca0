package dev.funnel.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.DataDirectory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RocksCatalogTest extends CatalogContractTest {
  @Override
  protected Catalog open(Path dir) {
    return RocksCatalog.open(dir);
  }

  @Test
  void opensInTheDataDirectorysCatalogFolder() {
    try (DataDirectory data = DataDirectory.open(tmp.resolve("data"));
        RocksCatalog c = RocksCatalog.open(data)) {
      c.putItem(ItemRecord.of("a"));
      assertThat(c.directory()).isEqualTo(data.catalogDir());
      assertThat(c.engineProperty("rocksdb.estimate-num-keys")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void aSecondOpenOfTheSameStoreFailsNamingIt() {
    assertThatThrownBy(() -> RocksCatalog.open(dir)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString());
  }
}
