package dev.funnel.rank;

import dev.funnel.data.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which field (user, item, weekday...) each feature index belongs to. Fields cover the feature
 * indices as contiguous ranges starting at 0, in order: field f holds {@code [start(f), start(f+1))}.
 * FM ignores fields; FFM and group metrics (GAUC by user) need them.
 *
 * <p>Written as {@code name:first-last} entries (inclusive, as the frappe README states them),
 * separated by commas or newlines, e.g. {@code user:0-956,item:957-5038,daytime:5039-5045}.
 */
public final class FieldMap {
  private final String[] names;
  /** starts[f] = first feature of field f; starts[numFields] = numFeatures. */
  private final int[] starts;

  private FieldMap(String[] names, int[] starts) {
    this.names = names;
    this.starts = starts;
  }

  /** One field, {@code all}, over {@code numFeatures} features. */
  public static FieldMap single(int numFeatures) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException("numFeatures must be positive; numFeatures=" + numFeatures);
    }
    return new FieldMap(new String[] {"all"}, new int[] {0, numFeatures});
  }

  /** Parses {@code name:first-last} entries separated by commas (see the class comment). */
  public static FieldMap parse(String spec) {
    return parse(null, List.of(spec));
  }

  /** Reads a field file: {@code name:first-last} entries, one per line or comma separated; {@code #} starts a comment. */
  public static FieldMap read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private static FieldMap parse(String file, List<String> lines) {
    List<String> names = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    int next = 0;
    for (int ln = 0; ln < lines.size(); ln++) {
      String line = lines.get(ln);
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      long lineNo = file == null ? 0 : ln + 1;
      for (String raw : line.split(",")) {
        String entry = raw.strip();
        if (entry.isEmpty()) {
          continue;
        }
        int colon = entry.lastIndexOf(':');
        int dash = colon < 0 ? -1 : entry.indexOf('-', colon);
        if (colon <= 0 || dash < 0) {
          throw new DataFormatException(file, lineNo, "fields", entry, "expected name:first-last");
        }
        String name = entry.substring(0, colon).strip();
        int first = index(file, lineNo, name, entry.substring(colon + 1, dash), entry);
        int last = index(file, lineNo, name, entry.substring(dash + 1), entry);
        if (first != next) {
          throw new DataFormatException(file, lineNo, name, entry,
              "fields must cover the features contiguously from 0: expected first index " + next);
        }
        if (last < first) {
          throw new DataFormatException(file, lineNo, name, entry, "last index is below the first");
        }
        if (names.contains(name)) {
          throw new DataFormatException(file, lineNo, name, entry, "field named twice");
        }
        names.add(name);
        starts.add(first);
        next = last + 1;
      }
    }
    if (names.isEmpty()) {
      throw new DataFormatException(file, 0, "fields", null, "no fields given");
    }
    int[] s = new int[names.size() + 1];
    for (int f = 0; f < names.size(); f++) {
      s[f] = starts.get(f);
    }
    s[names.size()] = next;
    return new FieldMap(names.toArray(new String[0]), s);
  }

  private static int index(String file, long line, String field, String text, String entry) {
    try {
      int v = Integer.parseInt(text.strip());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DataFormatException(file, line, field, entry, "not a non-negative feature index: '" + text.strip() + "' in");
  }

  public int numFields() {
    return names.length;
  }

  public int numFeatures() {
    return starts[names.length];
  }

  public String name(int field) {
    return names[field];
  }

  /** The first feature index of {@code field}. */
  public int start(int field) {
    return starts[field];
  }

  /** One past the last feature index of {@code field}. */
  public int end(int field) {
    return starts[field + 1];
  }

  /** The field called {@code name}; an error listing the fields when there is none. */
  public int field(String name) {
    for (int f = 0; f < names.length; f++) {
      if (names[f].equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown field '" + name + "'; fields: " + String.join(", ", names));
  }

  /** The field of {@code feature} (binary search over the ranges), -1 when outside them. */
  public int fieldOf(int feature) {
    if (feature < 0 || feature >= numFeatures()) {
      return -1;
    }
    int f = Arrays.binarySearch(starts, 0, names.length, feature);
    return f >= 0 ? f : -f - 2;
  }

  /** The spec that {@link #parse} reads back. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int f = 0; f < names.length; f++) {
      if (f > 0) {
        sb.append(',');
      }
      sb.append(names[f]).append(':').append(starts[f]).append('-').append(starts[f + 1] - 1);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldMap m && Arrays.equals(names, m.names) && Arrays.equals(starts, m.starts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(names) + Arrays.hashCode(starts);
  }
}
