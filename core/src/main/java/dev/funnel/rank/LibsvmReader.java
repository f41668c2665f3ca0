package dev.funnel.rank;

import dev.funnel.data.DataFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads libFM / libsvm text: one sample per line, {@code label idx:val idx:val ...}, separated by
 * spaces or tabs. Labels {@code 1}/{@code +1} are positive, {@code 0}/{@code -1} negative. Windows
 * line endings are accepted, blank lines and lines starting with {@code #} skipped. Values of
 * exactly 1 everywhere are not stored ({@link SampleBatch#values()} null).
 *
 * <p>Every feature index must lie in the {@link FieldMap} (when one is given) or is an error naming
 * the file, line, token and value; without a field map the file is read as one field over indices
 * {@code 0..max}.
 */
public final class LibsvmReader {
  private LibsvmReader() {}

  /** Reads {@code file} over {@code fields} (null: one field sized by the largest index). */
  public static SampleBatch read(Path file, FieldMap fields) throws IOException {
    return read(file, fields, null);
  }

  /**
   * Reads {@code file} over {@code fields}; with {@code groupField} (null: none), each row's group is
   * its feature in that field (e.g. the user, for GAUC).
   */
  public static SampleBatch read(Path file, FieldMap fields, String groupField) throws IOException {
    String name = file.toString();
    int limit = fields == null ? Integer.MAX_VALUE : fields.numFeatures();
    int rows = 0;
    int nnz = 0;
    int[] rowPtr = new int[1024];
    float[] labels = new float[1024];
    int[] features = new int[8192];
    float[] values = new float[8192];
    boolean allOnes = true;
    int maxFeature = -1;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNo = 0;
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          end--;
        }
        int pos = skipBlank(line, 0, end);
        if (pos == end || line.charAt(pos) == '#') {
          continue;
        }
        int tokenEnd = tokenEnd(line, pos, end);
        String labelText = line.substring(pos, tokenEnd);
        float label = switch (labelText) {
          case "1", "+1", "1.0", "+1.0" -> 1f;
          case "0", "-1", "0.0", "-1.0" -> 0f;
          default -> throw new DataFormatException(name, lineNo, "label", labelText, "expected 1, +1, 0 or -1");
        };
        if (rows + 1 >= rowPtr.length) {
          rowPtr = Arrays.copyOf(rowPtr, rowPtr.length * 2);
          labels = Arrays.copyOf(labels, labels.length * 2);
        }
        labels[rows] = label;
        pos = skipBlank(line, tokenEnd, end);
        while (pos < end) {
          tokenEnd = tokenEnd(line, pos, end);
          int colon = line.indexOf(':', pos);
          if (colon < 0 || colon >= tokenEnd) {
            throw new DataFormatException(name, lineNo, "feature " + (nnz - rowPtr[rows] + 1), line.substring(pos, tokenEnd),
                "expected index:value");
          }
          int index = parseIndex(line, pos, colon);
          if (index < 0 || index >= limit) {
            throw new DataFormatException(name, lineNo, "feature " + (nnz - rowPtr[rows] + 1), line.substring(pos, tokenEnd),
                index < 0 ? "index is not a non-negative integer" : "index outside the field map (0.." + (limit - 1) + ")");
          }
          float value;
          try {
            value = Float.parseFloat(line.substring(colon + 1, tokenEnd));
          } catch (NumberFormatException e) {
            value = Float.NaN;
          }
          if (!Float.isFinite(value)) {
            throw new DataFormatException(name, lineNo, "feature " + (nnz - rowPtr[rows] + 1), line.substring(pos, tokenEnd),
                "value is not a finite number");
          }
          if (nnz == features.length) {
            features = Arrays.copyOf(features, nnz * 2);
            values = Arrays.copyOf(values, nnz * 2);
          }
          features[nnz] = index;
          values[nnz] = value;
          nnz++;
          allOnes &= value == 1f;
          maxFeature = Math.max(maxFeature, index);
          pos = skipBlank(line, tokenEnd, end);
        }
        rows++;
        rowPtr[rows] = nnz;
      }
    }
    if (fields == null) {
      fields = FieldMap.single(Math.max(1, maxFeature + 1));
    }
    SampleBatch batch = new SampleBatch(fields, Arrays.copyOf(rowPtr, rows + 1), Arrays.copyOf(features, nnz),
        allOnes ? null : Arrays.copyOf(values, nnz), Arrays.copyOf(labels, rows), null, null);
    if (groupField != null) {
      try {
        batch = batch.withGroups(batch.featureOfField(fields.field(groupField)));
      } catch (IllegalArgumentException e) {
        throw new DataFormatException(name, 0, groupField, null, e.getMessage());
      }
    }
    return batch;
  }

  /** The index before the colon, or -1 when it is not a plain non-negative int. */
  private static int parseIndex(String line, int from, int to) {
    if (from == to || to - from > 10) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private static int skipBlank(String line, int pos, int end) {
    while (pos < end && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
      pos++;
    }
    return pos;
  }

  private static int tokenEnd(String line, int pos, int end) {
    while (pos < end && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
      pos++;
    }
    return pos;
  }
}
