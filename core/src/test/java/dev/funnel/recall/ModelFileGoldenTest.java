package dev.funnel.recall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.itemcf.ItemCF;
import dev.funnel.recall.itemcf.ItemCFConfig;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps model file format version 1 stable: a fixed tiny dataset and itemcf model must serialise to
 * exactly the committed bytes, and the committed file must load and answer as expected. To
 * regenerate after a deliberate format change (bump {@link ModelFile#VERSION_CURRENT} first), run
 * with {@code -Dfunnel.golden.write=core/src/test/resources/golden/itemcf-v1.fnl}.
 */
class ModelFileGoldenTest {
  private static final String GOLDEN = "/golden/itemcf-v1.fnl";

  /** Fixed data: 5 users, 5 items; values and timestamps are stored too. */
  static SavedModel goldenModel() {
    EventTable e = new EventTable();
    String[][] rows = {
        {"alice", "apple", "banana", "cherry"},
        {"bob", "apple", "banana"},
        {"carol", "banana", "cherry", "date"},
        {"dave", "date", "elder"},
        {"erin", "apple", "elder"},
    };
    long t = 1_700_000_000_000L;
    for (String[] row : rows) {
      for (int n = 1; n < row.length; n++) {
        e.add(row[0], row[n], t, EventTable.DEFAULT_TYPE, n);
        t += 60_000L;
      }
    }
    Interactions train = e.toInteractions(DuplicatePolicy.MAX);
    ItemCFConfig config = new ItemCFConfig(3, 1.0, 0.5, false, false, 1.0, true);
    RecallModel model = new ItemCF().train(train, config, new TrainContext(1, 1L, Progress.NONE));
    return new SavedModel(model, e.users(), e.items(), train, train.fingerprint(), "golden");
  }

  static byte[] bytes(SavedModel saved) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelFile.write(out, saved);
    return out.toByteArray();
  }

  static byte[] golden() throws IOException {
    try (InputStream in = ModelFileGoldenTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as("golden file " + GOLDEN + " on the test classpath").isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void writingTodayGivesTheGoldenBytes() throws IOException {
    byte[] now = bytes(goldenModel());
    String target = System.getProperty("funnel.golden.write");
    if (target != null) {
      Files.write(Path.of(target), now);
    }
    assertThat(now).isEqualTo(golden());
  }

  @Test
  void readingTheGoldenFileGivesTheExpectedAnswers() throws IOException {
    SavedModel saved = ModelFile.read(new ByteArrayInputStream(golden()));
    assertThat(saved.engineVersion()).isEqualTo("golden");
    assertThat(saved.model().algorithm()).isEqualTo("itemcf");
    assertThat(saved.model().config()).isEqualTo(new ItemCFConfig(3, 1.0, 0.5, false, false, 1.0, true));
    int bob = saved.users().get("bob");
    ItemFilter unseen = ItemFilter.excluding(saved.train().itemsOf(bob));
    ScoredItems r = saved.model().recommend(bob, 3, unseen);
    // bob has apple, banana. With shrink 1, sim = co-occurrences / (sqrt(|U_i| |U_j|) + 1):
    // cherry = sim(apple,cherry) + sim(banana,cherry) = 1/(sqrt 6 + 1) + 2/(sqrt 6 + 1);
    // date (via banana, carol) and elder (via apple, erin) tie at 1/(sqrt 6 + 1): the smaller id (date) first.
    assertThat(external(saved, r)).containsExactly("cherry", "date", "elder");
    double unit = 1.0 / (Math.sqrt(6) + 1);
    assertThat((double) r.score(0)).isCloseTo(3 * unit, org.assertj.core.api.Assertions.within(1e-6));
    assertThat((double) r.score(1)).isCloseTo(unit, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(r.score(2)).isEqualTo(r.score(1));
    int apple = saved.items().get("apple");
    assertThat(external(saved, saved.model().similarItems(apple, 2, ItemFilter.ALL))).containsExactly("banana", "cherry");
    assertThat(saved.model().recommend(bob, 3, unseen)).isEqualTo(goldenModel().model().recommend(bob, 3, unseen));
  }

  private static String[] external(SavedModel saved, ScoredItems r) {
    String[] out = new String[r.size()];
    for (int n = 0; n < out.length; n++) {
      out[n] = saved.items().external(r.item(n));
    }
    return out;
  }

  @Test
  void aFlippedPayloadByteFailsTheChecksum() throws IOException {
    byte[] b = golden();
    b[b.length - 6] ^= 0x10; // inside the payload's last float, before the 4-byte CRC
    assertThatThrownBy(() -> ModelFile.read(new ByteArrayInputStream(b))).isInstanceOf(IOException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void aFlippedMatrixValueFailsTheFingerprintBeforeTheChecksum() throws IOException {
    byte[] b = golden();
    int nnz = ModelFile.read(new ByteArrayInputStream(b)).train().nnz();
    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
    goldenModel().model().writePayload(new java.io.DataOutputStream(payload));
    // From the end: CRC (4), payload, payload length (8), userTimes (4 + 8 nnz); then userValues ends.
    int lastValueByte = b.length - 4 - payload.size() - 8 - (4 + 8 * nnz) - 1;
    b[lastValueByte] ^= 0x01; // the last value's lowest mantissa bit: a different float
    assertThatThrownBy(() -> ModelFile.read(new ByteArrayInputStream(b))).isInstanceOf(IOException.class)
        .hasMessageContaining("fingerprint");
  }

  @Test
  void wrongMagicIsNotAModelFile() throws IOException {
    byte[] b = golden();
    b[0] = 'X';
    assertThatThrownBy(() -> ModelFile.read(new ByteArrayInputStream(b))).isInstanceOf(IOException.class)
        .hasMessageContaining("not a Funnel model file");
  }

  @Test
  void newerVersionIsRefused() throws IOException {
    byte[] b = golden();
    b[7] = (byte) (ModelFile.VERSION_CURRENT + 1);
    assertThatThrownBy(() -> ModelFile.read(new ByteArrayInputStream(b))).isInstanceOf(IOException.class)
        .hasMessageContaining("version " + (ModelFile.VERSION_CURRENT + 1)).hasMessageContaining("not supported");
  }

  @Test
  void unknownAlgorithmIsRefusedByName() throws IOException {
    SavedModel good = goldenModel();
    RecallModel m = good.model();
    RecallModel renamed = new RecallModel() {
      @Override
      public String algorithm() {
        return "nosuchmodel";
      }

      @Override
      public Record config() {
        return m.config();
      }

      @Override
      public int numUsers() {
        return m.numUsers();
      }

      @Override
      public int numItems() {
        return m.numItems();
      }

      @Override
      public void scoreUser(int user, float[] out) {
        m.scoreUser(user, out);
      }

      @Override
      public boolean knowsUser(int user) {
        return m.knowsUser(user);
      }

      @Override
      public ScoredItems similarItems(int item, int k, ItemFilter filter) {
        return m.similarItems(item, k, filter);
      }

      @Override
      public void writePayload(java.io.DataOutput out) throws IOException {
        m.writePayload(out);
      }
    };
    byte[] b = bytes(new SavedModel(renamed, good.users(), good.items(), good.train(), good.dataFingerprint(), "golden"));
    assertThatThrownBy(() -> ModelFile.read(new ByteArrayInputStream(b))).isInstanceOf(IOException.class)
        .hasMessageContaining("nosuchmodel").hasMessageContaining("itemcf");
  }

  @Test
  void truncatedFileIsAnIOException() throws IOException {
    byte[] b = golden();
    byte[] cut = java.util.Arrays.copyOf(b, b.length / 2);
    assertThatThrownBy(() -> ModelFile.read(new ByteArrayInputStream(cut))).isInstanceOf(IOException.class);
  }
}
