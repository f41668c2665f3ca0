package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.funnel.recall.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the serving version lives on disk: the manifest, and the serving pointer a rollback writes in place. */
class ModelVersionsTest {
  @TempDir
  Path models;
  private Path manifest;
  private Path pointer;

  @BeforeEach
  void seed() throws IOException {
    ModelFile.write(models.resolve("main" + ModelFile.SUFFIX), FixtureModel.saved(false));
    manifest = models.resolve("main").resolve(ModelVersions.MANIFEST);
    pointer = models.resolve("main").resolve(ServingPointer.FILE);
  }

  private static ModelVersions.Attempt attempt() {
    return new ModelVersions.Attempt(0L, true, null, 0L, "test", 0.0);
  }

  /** Versions 1 and 2 added (2 serving). */
  private ModelVersions twoVersions() {
    ModelVersions v = ModelVersions.open(models, models, 5);
    v.addServing("main", FixtureModel.saved(false), 10, 10, Map.of(), attempt());
    v.addServing("main", FixtureModel.saved(false), 20, 20, Map.of(), attempt());
    return v;
  }

  @Test
  void aRollbackWritesOnlyThePointerAndSurvivesAReopen() throws IOException {
    ModelVersions v = twoVersions();
    assertThat(pointer).isRegularFile().hasSize(2 * ServingPointer.SLOT);
    byte[] before = Files.readAllBytes(manifest);
    v.setServing("main", 1);
    assertThat(v.serving("main")).isEqualTo(1);
    assertThat(Files.readAllBytes(manifest)).isEqualTo(before); // the manifest still says 2
    assertThat(ModelVersions.open(models, models, 5).serving("main")).isEqualTo(1);
    v.setServing("main", 0);
    v.setServing("main", 2);
    assertThat(ModelVersions.open(models, models, 5).serving("main")).isEqualTo(2);
    assertThat(ServingPointer.read(pointer)).contains(new ServingPointer.Entry(3, 2));
  }

  @Test
  void aLaterManifestWriteWinsOverAnOlderPointerSlot() throws IOException {
    ModelVersions v = twoVersions();
    v.setServing("main", 1); // pointer sequence 1 says version 1
    v.addServing("main", FixtureModel.saved(false), 30, 30, Map.of(), attempt()); // manifest: 3 serving, serving_seq 1
    assertThat(new ObjectMapper().readTree(manifest.toFile()).get("serving_seq").asLong()).isEqualTo(1);
    assertThat(ModelVersions.open(models, models, 5).serving("main")).isEqualTo(3);
  }

  @Test
  void aTornPointerWriteLeavesTheSwapBeforeIt() throws IOException {
    ModelVersions v = twoVersions();
    v.setServing("main", 1); // sequence 1, slot 1
    v.setServing("main", 0); // sequence 2, slot 0
    byte[] bytes = Files.readAllBytes(pointer);
    bytes[17] ^= 0x40; // a bit of slot 0's version: its checksum fails
    Files.write(pointer, bytes);
    assertThat(ModelVersions.open(models, models, 5).serving("main")).isEqualTo(1);
    bytes[ServingPointer.SLOT + 20] ^= 0x01; // slot 1 torn too: the manifest's version
    Files.write(pointer, bytes);
    assertThat(ModelVersions.open(models, models, 5).serving("main")).isEqualTo(2);
  }

  @Test
  void aFormatOneManifestWithoutPointerOpens() throws IOException {
    twoVersions();
    ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
    doc.put("format", 1);
    doc.remove("serving_seq");
    doc.put("serving", 1);
    new ObjectMapper().writeValue(manifest.toFile(), doc);
    Files.delete(pointer);
    ModelVersions v = ModelVersions.open(models, models, 5);
    assertThat(v.serving("main")).isEqualTo(1);
    v.setServing("main", 2); // no pointer yet: a manifest write, which creates it
    assertThat(pointer).isRegularFile();
    assertThat(new ObjectMapper().readTree(manifest.toFile()).get("format").asInt()).isEqualTo(ModelVersions.FORMAT);
    v.setServing("main", 0);
    assertThat(ModelVersions.open(models, models, 5).serving("main")).isZero();
  }

  @Test
  void aPointerNamingAnUnknownVersionIsAnErrorNamingBothFiles() {
    twoVersions();
    ServingPointer.write(pointer, 9, 7);
    assertThatThrownBy(() -> ModelVersions.open(models, models, 5)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(pointer.toString()).hasMessageContaining("serving version 7 (sequence 9)")
        .hasMessageContaining(manifest.toString()).hasMessageContaining("[1, 2]");
  }

  @Test
  void aPointerOfTheWrongSizeIsAnErrorNamingIt() throws IOException {
    twoVersions();
    Files.write(pointer, new byte[100]);
    assertThatThrownBy(() -> ModelVersions.open(models, models, 5)).isInstanceOf(IllegalStateException.class)
        .hasMessage("serving pointer " + pointer + " has 100 bytes, not 1024");
  }

  @Test
  void aNewerManifestFormatIsRefused() throws IOException {
    twoVersions();
    ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
    doc.put("format", ModelVersions.FORMAT + 1);
    new ObjectMapper().writeValue(manifest.toFile(), doc);
    assertThatThrownBy(() -> ModelVersions.open(models, models, 5)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("manifest format " + (ModelVersions.FORMAT + 1) + " is not supported");
  }

  @Test
  void aCreatedPointerWithoutWritesHoldsNothing() {
    Path p = models.resolve(ServingPointer.FILE);
    assertThat(ServingPointer.read(p)).isEmpty();
    ServingPointer.create(p);
    assertThat(ServingPointer.read(p)).isEmpty();
    ServingPointer.write(p, 1, 4);
    ServingPointer.write(p, 2, 5);
    assertThat(ServingPointer.read(p)).contains(new ServingPointer.Entry(2, 5));
    ServingPointer.write(p, 3, 6); // overwrites slot 1 (sequence 1)
    assertThat(ServingPointer.read(p)).contains(new ServingPointer.Entry(3, 6));
  }
}
