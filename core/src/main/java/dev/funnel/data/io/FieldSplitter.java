package dev.funnel.data.io;

import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * Splits one line (a byte range) into fields without allocating: field k is
 * {@code buf[start(k) .. end(k))}. The delimiter is a byte sequence ({@code ","}, tab, {@code "::"})
 * or runs of spaces/tabs ({@link #WHITESPACE}). With CSV quoting on, a field starting with a double
 * quote runs to the closing quote and {@code ""} inside stands for one quote (RFC 4180).
 */
final class FieldSplitter {
  /** Marker delimiter: fields separated by one or more spaces or tabs, leading/trailing ignored. */
  static final String WHITESPACE = " +";

  private final byte[] delim;
  private final boolean whitespace;
  private final boolean quotes;
  private byte[] buf;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private boolean[] quoted = new boolean[16];
  private int count;

  FieldSplitter(String delimiter, boolean csvQuotes) {
    this.whitespace = WHITESPACE.equals(delimiter);
    this.delim = whitespace ? new byte[0] : delimiter.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (!whitespace && delim.length == 0) {
      throw new IllegalArgumentException("delimiter must not be empty");
    }
    this.quotes = csvQuotes;
  }

  /**
   * Splits {@code buf[from..to)}; returns the field count.
   *
   * @return -1 if a quoted field is not closed
   */
  int split(byte[] buf, int from, int to) {
    this.buf = buf;
    count = 0;
    if (whitespace) {
      int i = from;
      while (true) {
        while (i < to && (buf[i] == ' ' || buf[i] == '\t')) {
          i++;
        }
        if (i >= to) {
          return count;
        }
        int s = i;
        while (i < to && buf[i] != ' ' && buf[i] != '\t') {
          i++;
        }
        push(s, i, false);
      }
    }
    int i = from;
    while (true) {
      if (quotes && i < to && buf[i] == '"') {
        int s = i + 1;
        int j = s;
        while (true) {
          if (j >= to) {
            return -1;
          }
          if (buf[j] == '"') {
            if (j + 1 < to && buf[j + 1] == '"') {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        push(s, j, true);
        i = j + 1; // past the closing quote: a delimiter or the end should follow
        if (i >= to) {
          return count;
        }
        if (!startsDelim(i, to)) {
          return -1;
        }
        i += delim.length;
        continue;
      }
      int s = i;
      while (i < to && !startsDelim(i, to)) {
        i++;
      }
      push(s, i, false);
      if (i >= to) {
        return count;
      }
      i += delim.length;
      if (i >= to) {
        push(to, to, false); // trailing delimiter: one last empty field
        return count;
      }
    }
  }

  private boolean startsDelim(int i, int to) {
    if (buf[i] != delim[0] || i + delim.length > to) {
      return false;
    }
    for (int k = 1; k < delim.length; k++) {
      if (buf[i + k] != delim[k]) {
        return false;
      }
    }
    return true;
  }

  private void push(int s, int e, boolean q) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      ends = Arrays.copyOf(ends, count * 2);
      quoted = Arrays.copyOf(quoted, count * 2);
    }
    starts[count] = s;
    ends[count] = e;
    quoted[count] = q;
    count++;
  }

  int count() {
    return count;
  }

  int start(int k) {
    return starts[k];
  }

  int end(int k) {
    return ends[k];
  }

  boolean isEmpty(int k) {
    return ends[k] == starts[k];
  }

  /** Whether field k needs unescaping ({@code ""} inside quotes), i.e. cannot be used raw. */
  boolean needsUnescape(int k) {
    if (!quoted[k]) {
      return false;
    }
    for (int i = starts[k]; i < ends[k]; i++) {
      if (buf[i] == '"') {
        return true;
      }
    }
    return false;
  }

  String string(int k, Charset cs) {
    String s = new String(buf, starts[k], ends[k] - starts[k], cs);
    return needsUnescape(k) ? s.replace("\"\"", "\"") : s;
  }
}
