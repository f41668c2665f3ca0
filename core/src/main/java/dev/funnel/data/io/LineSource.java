package dev.funnel.data.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a file line by line as byte ranges of one reused buffer, with no String per line. Handles
 * LF and CRLF endings, a last line without a newline, and drops a leading UTF-8 byte-order mark.
 *
 * <p>After {@link #next()} returns true, the line is {@code buf()[start() .. end())}; it stays valid
 * until the next call.
 */
final class LineSource implements Closeable {
  private final InputStream in;
  private final String file;
  private byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private int start;
  private int end;
  private long lineNumber;

  LineSource(Path path) {
    this.file = path.toString();
    try {
      this.in = Files.newInputStream(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  String file() {
    return file;
  }

  /** Advances to the next line; false at end of file. */
  boolean next() {
    try {
      while (true) {
        for (int i = pos; i < limit; i++) {
          if (buf[i] == '\n') {
            emit(pos, i);
            pos = i + 1;
            return true;
          }
        }
        if (eof) {
          if (pos < limit) {
            emit(pos, limit);
            pos = limit;
            return true;
          }
          return false;
        }
        fill();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private void emit(int from, int to) {
    lineNumber++;
    if (to > from && buf[to - 1] == '\r') {
      to--;
    }
    if (lineNumber == 1 && to - from >= 3 && (buf[from] & 0xFF) == 0xEF && (buf[from + 1] & 0xFF) == 0xBB && (buf[from + 2] & 0xFF) == 0xBF) {
      from += 3;
    }
    start = from;
    end = to;
  }

  /** Moves the unread tail to the front (growing for very long lines) and reads more. */
  private void fill() throws IOException {
    int rest = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, rest);
    } else if (rest == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    pos = 0;
    limit = rest;
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
    }
  }

  byte[] buf() {
    return buf;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  /** 1-based number of the current line. */
  long lineNumber() {
    return lineNumber;
  }

  /** Whether the current line is empty or only spaces and tabs. */
  boolean blank() {
    for (int i = start; i < end; i++) {
      if (buf[i] != ' ' && buf[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
