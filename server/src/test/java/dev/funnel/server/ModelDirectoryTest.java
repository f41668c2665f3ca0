package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
  @TempDir
  Path dir;

  @Test
  void loadsEveryModelFileSortedByName() throws Exception {
    ModelFile.write(dir.resolve("zeta.fnl"), FixtureModel.saved(false));
    ModelFile.write(dir.resolve("alpha.fnl"), FixtureModel.saved(false));
    Files.writeString(dir.resolve("notes.txt"), "not a model");

    Map<String, SavedModel> models = ModelDirectory.load(dir);

    assertThat(models.keySet()).containsExactly("alpha", "zeta");
    assertThat(models.get("alpha").model().algorithm()).isEqualTo(FixtureModel.NAME);
    assertThat(models.get("alpha").items().external(3)).isEqualTo("i3");
  }

  @Test
  void emptyDirectoryIsAnErrorNamingIt() {
    assertThatThrownBy(() -> ModelDirectory.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no model files")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void missingDirectoryIsAnError() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> ModelDirectory.load(missing)).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
  }

  @Test
  void corruptFileIsAnErrorNamingTheFile() throws Exception {
    ModelFile.write(dir.resolve("good.fnl"), FixtureModel.saved(false));
    Path bad = dir.resolve("bad.fnl");
    Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    assertThatThrownBy(() -> ModelDirectory.load(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("'bad'")
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("not a Funnel model file");
  }

  @Test
  void truncatedFileIsAnErrorNamingTheFile() throws Exception {
    Path good = dir.resolve("cut.fnl");
    ModelFile.write(good, FixtureModel.saved(false));
    byte[] bytes = Files.readAllBytes(good);
    Files.write(good, java.util.Arrays.copyOf(bytes, bytes.length - 10));

    assertThatThrownBy(() -> ModelDirectory.load(dir)).isInstanceOf(UncheckedIOException.class).hasMessageContaining(good.toString());
  }
}
