package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.data.DataFormatException;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code funnel import} / {@code funnel export}: exact round trips, source values kept, bad input named and nothing half-imported. */
class EventTransferTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static final String CSV = """
      user,item,timestamp,type,value
      u1,i1,1700000000000,click,1
      u2,ï-ünicode-項目,2024-01-31T10:00:00Z,rating,4.5
      u1,i3,1700000000123,purchase,0.1
      "u,3",i1,881250949,rating,3
      """;

  private long lastSequence(Path data) {
    try (DataDirectory d = DataDirectory.open(data); EventLog log = EventLog.open(d.logDir(), LogConfig.defaults())) {
      return log.lastSequence();
    }
  }

  @Test
  void csvImportExportImportExportIsExactAndKeepsTheSourceValues() throws Exception {
    Path source = Files.writeString(tmp.resolve("events.csv"), CSV);
    EventImporter.Report r = EventImporter.importFile(tmp.resolve("d1"), source, EventImporter.Options.defaults());
    assertThat(r.format()).isEqualTo(EventImporter.Format.CSV);
    assertThat(r.events()).isEqualTo(4);
    assertThat(r.firstSequence()).isEqualTo(1);
    Path a = tmp.resolve("a.jsonl");
    assertThat(EventExporter.export(tmp.resolve("d1"), a).events()).isEqualTo(4);
    EventImporter.Report r2 = EventImporter.importFile(tmp.resolve("d2"), a, EventImporter.Options.defaults());
    assertThat(r2.format()).isEqualTo(EventImporter.Format.EVENTS);
    Path b = tmp.resolve("b.jsonl");
    EventExporter.export(tmp.resolve("d2"), b);
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));

    List<String> lines = Files.readAllLines(a, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(4);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.toString()).isEqualTo("{\"user\":\"u1\",\"item\":\"i1\",\"type\":\"click\",\"ts\":1700000000000,\"value\":1.0}");
    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("item").asText()).isEqualTo("ï-ünicode-項目");
    assertThat(second.get("ts").asLong()).isEqualTo(1706695200000L);
    assertThat(second.get("value").floatValue()).isEqualTo(4.5f);
    assertThat(lines.get(2)).contains("\"value\":0.1}").contains("\"ts\":1700000000123");
    JsonNode fourth = JSON.readTree(lines.get(3));
    assertThat(fourth.get("user").asText()).isEqualTo("u,3");
    assertThat(fourth.get("ts").asLong()).as("epoch seconds become ms").isEqualTo(881250949000L);
  }

  @Test
  void theEventsFormatKeepsEveryFieldByteForByte() throws Exception {
    String canonical = """
        {"id":"e1","user":"u1","item":"i1","type":"click","ts":1,"request_id":"r1","context":{"a":"1","page":"home"}}
        {"user":"u2","item":"i2","type":"rating","ts":1700000000000,"value":3.25}
        {"id":"e3","user":"\\"quoted\\" ✓","item":"i3","type":"dislike","ts":5}
        """;
    Path source = Files.writeString(tmp.resolve("export.jsonl"), canonical);
    EventImporter.importFile(tmp.resolve("d"), source, EventImporter.Options.defaults());
    Path out = tmp.resolve("out.jsonl");
    EventExporter.export(tmp.resolve("d"), out);
    assertThat(Files.readString(out)).isEqualTo(canonical);
  }

  @Test
  void floatsSurviveExportAndImport() throws Exception {
    long seed = System.nanoTime();
    System.out.println("EventTransferTest.floatsSurviveExportAndImport seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    // The exporter writes Float.toString, the importer reads a double and narrows it: the same float for every float tried.
    for (int k = 0; k < 2_000_000; k++) {
      float f = Float.intBitsToFloat(rnd.nextInt());
      if (Float.isFinite(f)) {
        assertThat((float) Double.parseDouble(Float.toString(f))).as("float bits %08x", Float.floatToRawIntBits(f)).isEqualTo(f);
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 500; k++) {
      float f = Float.intBitsToFloat(rnd.nextInt(0x7F000000)); // positive finite
      sb.append("{\"user\":\"u\",\"item\":\"i").append(k).append("\",\"type\":\"rating\",\"ts\":").append(k).append(",\"value\":")
          .append(Float.toString(f)).append("}\n");
    }
    Path source = Files.writeString(tmp.resolve("floats.jsonl"), sb.toString());
    EventImporter.importFile(tmp.resolve("f"), source, EventImporter.Options.defaults());
    Path out = tmp.resolve("floats-out.jsonl");
    EventExporter.export(tmp.resolve("f"), out);
    List<String> in = Files.readAllLines(source);
    List<String> back = Files.readAllLines(out);
    for (int k = 0; k < in.size(); k++) {
      assertThat(JSON.readTree(back.get(k)).get("value").floatValue()).isEqualTo(JSON.readTree(in.get(k)).get("value").floatValue());
    }
  }

  @Test
  void movieLensThroughTheFoundationReader() throws Exception {
    Path u = Files.writeString(tmp.resolve("u.data"), "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n");
    EventImporter.Report r = EventImporter.importFile(tmp.resolve("ml"), u, EventImporter.Options.defaults());
    assertThat(r.format()).isEqualTo(EventImporter.Format.MOVIELENS);
    assertThat(r.events()).isEqualTo(3);
    Path out = tmp.resolve("ml.jsonl");
    EventExporter.export(tmp.resolve("ml"), out);
    assertThat(Files.readAllLines(out).get(0)).isEqualTo("{\"user\":\"196\",\"item\":\"242\",\"type\":\"rating\",\"ts\":881250949000,\"value\":3.0}");
  }

  @Test
  void badInputIsNamedAndImportsNothingWhileEarlierImportsStay() throws Exception {
    Path data = tmp.resolve("d");
    Path good = Files.writeString(tmp.resolve("good.csv"), CSV);
    EventImporter.importFile(data, good, EventImporter.Options.defaults());

    Path badType = Files.writeString(tmp.resolve("bad-type.csv"), "user,item,timestamp,type\nu1,i1,1,click\nu2,i2,2,teleport\n");
    assertThatThrownBy(() -> EventImporter.importFile(data, badType, EventImporter.Options.defaults())).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("bad-type.csv").hasMessageContaining("field 'type'").hasMessageContaining("'teleport'")
        .hasMessageContaining("data row 2").hasMessageContaining("valid types");
    assertThat(lastSequence(data)).as("nothing of the bad file, the earlier import intact").isEqualTo(4);

    Path badLine = Files.writeString(tmp.resolve("bad.jsonl"), """
        {"user":"u1","item":"i1","type":"click","ts":1}

        {"user":"u1","item":"i2","type":"click","ts":"yesterday"}
        {"user":"u1","item":"i3","type":"click","ts":3}
        """);
    assertThatThrownBy(() -> EventImporter.importFile(data, badLine, EventImporter.Options.defaults())).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("bad.jsonl:3").hasMessageContaining("field 'ts'").hasMessageContaining("yesterday");
    assertThat(lastSequence(data)).isEqualTo(4);

    Path malformed = Files.writeString(tmp.resolve("malformed.csv"), "user,item,timestamp\nu1,i1,1\nu2,i2,notatime\n");
    assertThatThrownBy(() -> EventImporter.importFile(data, malformed, EventImporter.Options.defaults())).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("malformed.csv:3").hasMessageContaining("timestamp").hasMessageContaining("notatime");
    assertThat(lastSequence(data)).isEqualTo(4);

    // Skipping: the good lines go in, the bad one is counted.
    EventImporter.Report skipped = EventImporter.importFile(data, badLine, EventImporter.Options.defaults().withSkipBadLines(true));
    assertThat(skipped.events()).isEqualTo(2);
    assertThat(skipped.badLines().count()).isEqualTo(1);
    assertThat(skipped.summary()).contains("bad.jsonl:3");
    assertThat(lastSequence(data)).isEqualTo(6);
  }

  @Test
  void aServedDirectoryIsRefusedWithTheLockMessage() throws Exception {
    Path data = tmp.resolve("served");
    LiveFixture.writeModel(data);
    try (LiveService live = LiveService.open(data, null, LiveService.Config.defaults())) {
      assertThatThrownBy(() -> EventExporter.export(data, tmp.resolve("x.jsonl"))).hasMessageContaining("in use by another Funnel server");
    }
  }
}
