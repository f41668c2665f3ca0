package dev.funnel.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelimitedReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static EventTable read(Path p, DelimitedReader.Format f) {
    EventTable t = new EventTable();
    DelimitedReader.read(p, t, f, new BadLines.Recorder(false));
    return t;
  }

  @Test
  void readsHeaderByWellKnownNamesAndScalesEpochSeconds() throws IOException {
    Path p = write("ratings.csv", "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3,1260759179\n");
    EventTable t = read(p, DelimitedReader.Format.auto());
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.users().external(t.user(0))).isEqualTo("1");
    assertThat(t.items().external(t.item(1))).isEqualTo("1029");
    assertThat(t.value(0)).isEqualTo(2.5f);
    assertThat(t.timestamp(0)).isEqualTo(1_260_759_144_000L);
    assertThat(t.types().external(t.type(0))).isEqualTo(EventTable.DEFAULT_TYPE);
  }

  @Test
  void positionalWithoutHeaderAndDefaults() throws IOException {
    Path p = write("events.tsv", "u1\ti1\nu2\ti1\n");
    EventTable t = read(p, DelimitedReader.Format.auto());
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.value(1)).isEqualTo(1f);
    assertThat(t.timestamp(1)).isZero();
    assertThat(t.users().size()).isEqualTo(2);
    assertThat(t.items().size()).isEqualTo(1);
  }

  @Test
  void columnsByNameAndIndexWithTypeColumn() throws IOException {
    Path p = write("log.csv", "when,who,what,action\n2024-01-31T10:00:00Z,alice,book,click\n2024-01-31T10:00:01Z,bob,pen,buy\n");
    EventTable t = read(p, new DelimitedReader.Format(null, true, Map.of("user", "who", "item", "2", "timestamp", "WHEN", "type", "action"),
        EventTable.DEFAULT_TYPE, StandardCharsets.UTF_8));
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.users().external(t.user(1))).isEqualTo("bob");
    assertThat(t.items().external(t.item(1))).isEqualTo("pen");
    assertThat(t.types().external(t.type(1))).isEqualTo("buy");
    assertThat(t.timestamp(0)).isEqualTo(1_706_695_200_000L);
    assertThat(t.timestamp(1)).isEqualTo(1_706_695_201_000L);
  }

  @Test
  void isoTimestampVariants() throws IOException {
    Path p = write("t.csv", String.join("\n", "user,item,timestamp",
        "a,x,2024-01-31T10:00:00Z",
        "a,y,2024-01-31T11:00:00+01:00",
        "a,z,2024-01-31T10:00:00",
        "a,w,2024-01-31 10:00:00",
        "a,v,2024-01-31",
        "a,u,1706695200000",
        "a,s,1706695200.5") + "\n");
    EventTable t = read(p, DelimitedReader.Format.auto());
    long ms = 1_706_695_200_000L;
    assertThat(new long[] {t.timestamp(0), t.timestamp(1), t.timestamp(2), t.timestamp(3), t.timestamp(4), t.timestamp(5), t.timestamp(6)})
        .containsExactly(ms, ms, ms, ms, ms - 10 * 3_600_000L, ms, ms + 500);
  }

  @Test
  void crlfLineEndingsAndBomAndBlankLines() throws IOException {
    Path p = dir.resolve("crlf.csv");
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = "user,item,rating\r\nu1,i1,4\r\n\r\nu2,i2,5\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, 3);
    System.arraycopy(body, 0, all, 3, body.length);
    Files.write(p, all);
    EventTable t = read(p, DelimitedReader.Format.auto());
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.items().external(t.item(1))).isEqualTo("i2"); // no trailing '\r'
    assertThat(t.value(1)).isEqualTo(5f);
  }

  @Test
  void quotedFields() throws IOException {
    Path p = write("q.csv", "user,item,rating\n\"Smith, J\",\"say \"\"hi\"\"\",3\n");
    EventTable t = read(p, DelimitedReader.Format.auto());
    assertThat(t.users().external(0)).isEqualTo("Smith, J");
    assertThat(t.items().external(0)).isEqualTo("say \"hi\"");
  }

  @Test
  void badTimestampNamesFileLineFieldAndValueAndKeepsEarlierLines() throws IOException {
    Path p = write("ratings.csv", "user,item,rating,timestamp\nu1,i1,4,100\nu2,i2,5,abc\nu3,i3,5,7\n");
    EventTable t = new EventTable();
    assertThatThrownBy(() -> DelimitedReader.read(p, t, DelimitedReader.Format.auto(), new BadLines.Recorder(false)))
        .isInstanceOfSatisfying(DataFormatException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("ratings.csv:3: field 'timestamp': not a number or ISO-8601 time: 'abc'");
          assertThat(e.file()).isEqualTo(p.toString());
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.field()).isEqualTo("timestamp");
          assertThat(e.value()).isEqualTo("abc");
        });
    assertThat(t.size()).isEqualTo(1); // the good line read before stays
    assertThat(t.users().get("u2")).isEqualTo(-1); // the bad line added no ids
  }

  @Test
  void badValueAndWrongColumnCount() throws IOException {
    Path p = write("r.csv", "user,item,rating\nu1,i1,x4\n");
    assertThatThrownBy(() -> read(p, DelimitedReader.Format.auto()))
        .hasMessage("r.csv:2: field 'value': not a number: 'x4'");
    Path q = write("c.csv", "user,item,rating\nu1,i1,4\nu2,i2\n");
    assertThatThrownBy(() -> read(q, DelimitedReader.Format.auto()))
        .hasMessage("c.csv:3: wrong column count: expected 3 fields, found 2: 'u2,i2'");
    Path bq = write("bq.csv", "user,item,rating\n\"u1\"x,i1,4\n");
    assertThatThrownBy(() -> read(bq, DelimitedReader.Format.auto()))
        .hasMessage("bq.csv:2: malformed quoted field (unclosed quote, or text after the closing quote): '\"u1\"x,i1,4'");
    Path r = write("n.csv", "user,item,rating\nu1,,4\n");
    assertThatThrownBy(() -> read(r, DelimitedReader.Format.auto()))
        .hasMessage("n.csv:2: field 'item': empty id: ''");
  }

  @Test
  void skipBadLinesCountsAndKeepsFiveExamples() throws IOException {
    StringBuilder sb = new StringBuilder("user,item,rating\n");
    for (int k = 0; k < 10; k++) {
      sb.append("u").append(k).append(",i").append(k).append(k % 3 == 0 ? ",bad" : ",1").append('\n');
    }
    sb.append("u99,i99\n");
    Path p = write("s.csv", sb.toString());
    EventTable t = new EventTable();
    BadLines.Recorder rec = new BadLines.Recorder(true);
    DelimitedReader.read(p, t, DelimitedReader.Format.auto(), rec);
    BadLines bad = rec.result();
    assertThat(bad.count()).isEqualTo(5); // k = 0, 3, 6, 9 and the short line
    assertThat(t.size()).isEqualTo(6);
    assertThat(bad.examples()).hasSize(5);
    assertThat(bad.examples().get(0)).isEqualTo("s.csv:2: field 'value': not a number: 'bad'");
    assertThat(bad.examples().get(4)).isEqualTo("s.csv:12: wrong column count: expected 3 fields, found 2: 'u99,i99'");

    Path many = write("m.csv", "a,b,1\n" + "x,y,z\n".repeat(8));
    BadLines.Recorder rec2 = new BadLines.Recorder(true);
    DelimitedReader.read(many, new EventTable(), new DelimitedReader.Format(",", false, Map.of(), "t", StandardCharsets.UTF_8), rec2);
    assertThat(rec2.result().count()).isEqualTo(8);
    assertThat(rec2.result().examples()).hasSize(BadLines.MAX_EXAMPLES);
  }

  @Test
  void emptyFilesAreErrors() throws IOException {
    Path p = write("empty.csv", "");
    assertThatThrownBy(() -> read(p, DelimitedReader.Format.auto())).hasMessage("empty.csv: empty file: no data lines");
    Path h = write("header-only.csv", "user,item\n");
    assertThatThrownBy(() -> read(h, DelimitedReader.Format.auto())).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("no data lines");
  }

  @Test
  void unknownHeaderNameIsReported() throws IOException {
    Path p = write("h.csv", "who,what\na,b\n");
    assertThatThrownBy(() -> read(p, new DelimitedReader.Format(null, null, Map.of("user", "user", "item", "what"), "t", StandardCharsets.UTF_8)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("field 'user'").hasMessageContaining("no such column");
  }

  @Test
  void detectsDelimiters() {
    assertThat(DelimitedReader.detectDelimiter(b("1::2::3"), 0, 7)).isEqualTo("::");
    assertThat(DelimitedReader.detectDelimiter(b("1\t2\t3"), 0, 5)).isEqualTo("\t");
    assertThat(DelimitedReader.detectDelimiter(b("1;2;3"), 0, 5)).isEqualTo(";");
    assertThat(DelimitedReader.detectDelimiter(b("1 2 3"), 0, 5)).isEqualTo(FieldSplitter.WHITESPACE);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
