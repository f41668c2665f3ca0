package dev.funnel.rank.schema;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads labelled samples from a delimited text file described by a {@link FeatureSchema}: the first
 * line is the header naming the columns, each further line one sample. The delimiter is the schema's
 * ({@code ,} by default); a cell may be double-quoted, {@code ""} standing for a quote (RFC 4180; a
 * quoted cell cannot span lines). Blank lines are skipped, Windows line endings accepted.
 *
 * <p>A bad line (wrong column count, a label not 0/1, a number that is not one...) is a {@link
 * DataFormatException} naming the file, the line, the field and the bad value, thrown or recorded and
 * skipped per the {@link BadLines.Recorder}; when skipping, every good line before and after it is kept.
 */
public final class CsvSampleReader {
  private CsvSampleReader() {}

  /** Reads every sample of {@code file} (the label column must be present). */
  public static SampleTable read(Path file, FeatureSchema schema, BadLines.Recorder bad) throws IOException {
    String name = file.toString();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = in.readLine();
      long lineNo = 1;
      while (line != null && line.isBlank()) {
        line = in.readLine();
        lineNo++;
      }
      if (line == null) {
        throw new DataFormatException(name, 0, null, null, "empty file: no header line");
      }
      String[] header = split(line, schema.delimiter(), name, lineNo);
      List<String> columns = new ArrayList<>();
      for (String h : header) {
        columns.add(h.strip());
      }
      SampleTable.Builder builder = new SampleTable.Builder(schema, columns, true, name);
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          builder.add(split(line, schema.delimiter(), name, lineNo), name, lineNo);
        } catch (DataFormatException e) {
          bad.record(e);
        }
      }
      if (builder.size() == 0 && !bad.skipping()) {
        throw new DataFormatException(name, 0, null, null, "no data lines after the header");
      }
      return builder.build();
    }
  }

  /** Splits one line into cells at {@code delimiter}, honouring double quotes. */
  static String[] split(String line, char delimiter, String file, long lineNo) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int i = 0;
    while (true) {
      cell.setLength(0);
      if (i < end && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= end) {
            throw new DataFormatException(file, lineNo, null, line, "unclosed quote");
          }
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < end && line.charAt(i + 1) == '"') {
              cell.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          cell.append(c);
          i++;
        }
        if (i < end && line.charAt(i) != delimiter) {
          throw new DataFormatException(file, lineNo, null, line, "text after a closing quote");
        }
      } else {
        while (i < end && line.charAt(i) != delimiter) {
          cell.append(line.charAt(i++));
        }
      }
      cells.add(cell.toString());
      if (i >= end) {
        return cells.toArray(new String[0]);
      }
      i++; // the delimiter
    }
  }
}
