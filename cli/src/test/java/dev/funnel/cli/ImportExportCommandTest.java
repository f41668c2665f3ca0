package dev.funnel.cli;

import static dev.funnel.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code funnel import} and {@code funnel export} through the command line: help, round trip, exit codes and messages. */
class ImportExportCommandTest {
  @TempDir Path dir;

  @Test
  void helpHasExamples() {
    CliRun i = run("import", "--help");
    assertThat(i.code()).isZero();
    assertThat(i.out()).contains("Examples:").contains("funnel import --data funnel-live --events ml-100k/u.data").contains("--skip-bad-lines");
    CliRun e = run("export", "--help");
    assertThat(e.code()).isZero();
    assertThat(e.out()).contains("Examples:").contains("funnel export --data funnel-live --out events.jsonl");
  }

  @Test
  void roundTripThroughTheCommands() throws Exception {
    Path csv = Files.writeString(dir.resolve("clicks.csv"), "uid;sku;when;kind\nu1;A;1700000000000;click\nu2;B;1700000000001;purchase\n");
    CliRun imp = run("import", "--data", dir.resolve("d1").toString(), "--events", csv.toString(), "--column", "user=uid", "--column", "item=sku",
        "--column", "timestamp=when", "--column", "type=kind");
    assertThat(imp.code()).as(imp.err()).isZero();
    assertThat(imp.out()).contains("imported 2 events");
    assertThat(run("export", "--data", dir.resolve("d1").toString(), "--out", dir.resolve("a.jsonl").toString()).code()).isZero();
    assertThat(run("import", "--data", dir.resolve("d2").toString(), "--events", dir.resolve("a.jsonl").toString()).code()).isZero();
    CliRun exp = run("export", "--data", dir.resolve("d2").toString(), "--out", dir.resolve("b.jsonl").toString());
    assertThat(exp.out()).contains("exported 2 events");
    assertThat(Files.readString(dir.resolve("b.jsonl"))).isEqualTo(Files.readString(dir.resolve("a.jsonl")))
        .isEqualTo("{\"user\":\"u1\",\"item\":\"A\",\"type\":\"click\",\"ts\":1700000000000,\"value\":1.0}\n"
            + "{\"user\":\"u2\",\"item\":\"B\",\"type\":\"purchase\",\"ts\":1700000000001,\"value\":1.0}\n");
  }

  @Test
  void badInputFailsWithFileLineFieldAndValue() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"user\":\"u1\",\"item\":\"i1\",\"type\":\"click\",\"ts\":1}\n"
        + "{\"user\":\"u1\",\"item\":\"i2\",\"type\":\"click\",\"ts\":1,\"value\":\"high\"}\n");
    CliRun r = run("import", "--data", dir.resolve("d").toString(), "--events", bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("funnel import: error: bad.jsonl:2: field 'value'").contains("high");
    CliRun missing = run("export", "--data", dir.resolve("nope").toString(), "--out", dir.resolve("x").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no data directory");
  }
}
