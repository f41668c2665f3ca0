package dev.funnel.cli;

import dev.funnel.data.BadLines;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.LibsvmReader;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.schema.CsvSampleReader;
import dev.funnel.rank.schema.FeatureEncoder;
import dev.funnel.rank.schema.SampleTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads ranking samples for the CLI: libsvm / libFM text over a field map, or CSV through a fitted encoder. */
final class RankSamples {
  private RankSamples() {}

  /** A field map from a spec ({@code user:0-956,item:957-5038}) or a file holding one; null stays null. */
  static FieldMap fields(String specOrFile) throws IOException {
    if (specOrFile == null) {
      return null;
    }
    Path p = Path.of(specOrFile);
    return Files.isRegularFile(p) ? FieldMap.read(p) : FieldMap.parse(specOrFile);
  }

  static SampleBatch libsvm(Path file, FieldMap fields, String groupField) throws IOException {
    return LibsvmReader.read(file, fields, groupField);
  }

  /** Reads a CSV file with the encoder's schema and encodes it; skipped bad lines are reported on {@code out}. */
  static SampleBatch csv(Path file, FeatureEncoder encoder, boolean skipBadLines, PrintStream out) throws IOException {
    return encoder.encode(table(file, encoder.schema(), skipBadLines, out));
  }

  static SampleTable table(Path file, dev.funnel.rank.schema.FeatureSchema schema, boolean skipBadLines, PrintStream out)
      throws IOException {
    BadLines.Recorder bad = new BadLines.Recorder(skipBadLines);
    SampleTable t = CsvSampleReader.read(file, schema, bad);
    BadLines b = bad.result();
    if (b.count() > 0) {
      out.println("bad lines  " + file.getFileName() + ": skipped " + b.count() + "; first: " + String.join(" | ", b.examples()));
    }
    return t;
  }
}
