package dev.funnel.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibsvmReaderTest {
  private static final FieldMap FIELDS = FieldMap.parse("user:0-2, item:3-6,weekday:7-7");

  @TempDir
  Path dir;

  private Path file(String text) throws IOException {
    Path p = dir.resolve("s.libfm");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsLabelsFeaturesAndValuesWithCrlf() throws IOException {
    SampleBatch b = LibsvmReader.read(file("+1 1:1 4:1 7:1\r\n-1 2:1\t5:0.5\r\n\r\n# comment\n0 0:1 6:1\n1 2:1 3:2"), FIELDS, "user");
    assertThat(b.size()).isEqualTo(4);
    assertThat(b.labels()).containsExactly(1, 0, 0, 1);
    assertThat(b.rowPtr()).containsExactly(0, 3, 5, 7, 9);
    assertThat(b.features()).containsExactly(1, 4, 7, 2, 5, 0, 6, 2, 3);
    assertThat(b.values()).containsExactly(1, 1, 1, 1, 0.5f, 1, 1, 1, 2);
    assertThat(b.groups()).containsExactly(1, 2, 0, 2);
    assertThat(b.fields().fieldOf(7)).isEqualTo(2);
    assertThat(b.fields().fieldOf(3)).isEqualTo(1);
  }

  @Test
  void oneHotFilesStoreNoValues() throws IOException {
    SampleBatch b = LibsvmReader.read(file("1 0:1 3:1\n-1 1:1.0 4:1\n"), null);
    assertThat(b.values()).isNull();
    assertThat(b.value(1)).isEqualTo(1f);
    assertThat(b.numFeatures()).isEqualTo(5);
  }

  @Test
  void badInputNamesFileLineTokenAndValue() throws IOException {
    assertThatThrownBy(() -> LibsvmReader.read(file("1 0:1\n2 1:1\n"), FIELDS))
        .isInstanceOf(DataFormatException.class).hasMessage("s.libfm:2: field 'label': expected 1, +1, 0 or -1: '2'");
    assertThatThrownBy(() -> LibsvmReader.read(file("1 0:1\n\n1 1:1 4\n"), FIELDS))
        .isInstanceOf(DataFormatException.class).hasMessage("s.libfm:3: field 'feature 2': expected index:value: '4'");
    assertThatThrownBy(() -> LibsvmReader.read(file("1 0:1 8:1\n"), FIELDS))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("s.libfm:1: field 'feature 2': index outside the field map (0..7): '8:1'");
    assertThatThrownBy(() -> LibsvmReader.read(file("1 x:1\n"), FIELDS))
        .hasMessage("s.libfm:1: field 'feature 1': index is not a non-negative integer: 'x:1'");
    assertThatThrownBy(() -> LibsvmReader.read(file("1 0:1 3:abc\n"), FIELDS))
        .hasMessage("s.libfm:1: field 'feature 2': value is not a finite number: '3:abc'");
    assertThatThrownBy(() -> LibsvmReader.read(file("1 0:1 3:NaN\n"), FIELDS))
        .hasMessage("s.libfm:1: field 'feature 2': value is not a finite number: '3:NaN'");
    assertThatThrownBy(() -> LibsvmReader.read(file("1 0:1\n1 3:1\n"), FIELDS, "user"))
        .hasMessageContaining("row 1 has no feature in field 'user'");
  }

  @Test
  void fieldMapsParseAndRejectBadRanges() throws IOException {
    assertThat(FIELDS.numFields()).isEqualTo(3);
    assertThat(FIELDS.numFeatures()).isEqualTo(8);
    assertThat(FieldMap.parse(FIELDS.toString())).isEqualTo(FIELDS);
    assertThatThrownBy(() -> FieldMap.parse("user:0-2,item:4-6"))
        .hasMessage("field 'item': fields must cover the features contiguously from 0: expected first index 3: 'item:4-6'");
    assertThatThrownBy(() -> FieldMap.parse("user:0-x")).hasMessageContaining("not a non-negative feature index: 'x'");
    Path f = dir.resolve("fields.txt");
    Files.writeString(f, "# frappe-like\nuser:0-2\nitem 3-6\n");
    assertThatThrownBy(() -> FieldMap.read(f)).hasMessage("fields.txt:3: field 'fields': expected name:first-last: 'item 3-6'");
    Files.writeString(f, "# frappe-like\nuser:0-2\nitem:3-6, weekday:7-7\n");
    assertThat(FieldMap.read(f)).isEqualTo(FIELDS);
  }
}
