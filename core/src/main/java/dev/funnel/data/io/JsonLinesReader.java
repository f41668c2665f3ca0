package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON-lines events: one flat object per line, e.g.
 * {@code {"user":"u1","item":42,"timestamp":"2024-01-31T10:00:00Z","type":"click","value":1}}.
 * Keys map to fields through {@code columns} (field -> key); without a mapping the well-known
 * names of {@link Columns} are used. Nested objects and arrays are skipped. Defaults as in
 * {@link DelimitedReader}.
 */
public final class JsonLinesReader {
  private JsonLinesReader() {}

  public static void read(Path path, EventTable into, Map<String, String> columns, String defaultType, BadLines.Recorder bad) {
    Columns.validate(columns);
    String file = path.toString();
    String[] keyOf = new String[Columns.FIELDS.length];
    for (Map.Entry<String, String> e : columns.entrySet()) {
      keyOf[Columns.fieldIndex(e.getKey())] = e.getValue().trim();
    }
    int defType = into.types().getOrAdd(defaultType);
    long lineNo = 0;
    long accepted = 0;
    boolean any = false;
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        any = true;
        try {
          keys.clear();
          values.clear();
          String problem = parseFlat(line, keys, values);
          if (problem != null) {
            throw new DataFormatException(file, lineNo, null, line, "malformed JSON: " + problem);
          }
          String[] f = new String[Columns.FIELDS.length];
          for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            for (int fi = 0; fi < f.length; fi++) {
              boolean match = keyOf[fi] != null ? keyOf[fi].equals(key) : columns.isEmpty() && Columns.knownField(key) == fi;
              if (match && f[fi] == null) {
                f[fi] = values.get(k);
              }
            }
          }
          long t = 0;
          if (f[Columns.TIME] != null && !f[Columns.TIME].isEmpty()) {
            t = ValueParser.parseTimestamp(f[Columns.TIME]);
            if (t == ValueParser.BAD_TIME) {
              throw new DataFormatException(file, lineNo, "timestamp", f[Columns.TIME], "not a number or ISO-8601 time");
            }
          }
          float v = 1f;
          if (f[Columns.VALUE] != null && !f[Columns.VALUE].isEmpty()) {
            byte[] b = f[Columns.VALUE].getBytes(StandardCharsets.UTF_8);
            v = ValueParser.parseFloat(b, 0, b.length);
            if (Float.isNaN(v)) {
              throw new DataFormatException(file, lineNo, "value", f[Columns.VALUE], "not a number");
            }
          }
          for (int fi : new int[] {Columns.USER, Columns.ITEM}) {
            if (f[fi] == null || f[fi].isEmpty()) {
              throw new DataFormatException(file, lineNo, Columns.FIELDS[fi], f[fi] == null ? null : "",
                  f[fi] == null ? "missing key '" + (keyOf[fi] != null ? keyOf[fi] : Columns.FIELDS[fi]) + "'" : "empty id");
            }
          }
          int type = f[Columns.TYPE] != null && !f[Columns.TYPE].isEmpty() ? into.types().getOrAdd(f[Columns.TYPE]) : defType;
          into.add(into.users().getOrAdd(f[Columns.USER]), into.items().getOrAdd(f[Columns.ITEM]), t, type, v);
          accepted++;
        } catch (DataFormatException e) {
          bad.record(e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    if (!any) {
      throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
    }
    if (accepted == 0 && !bad.skipping()) {
      throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
    }
  }

  /**
   * Parses one flat JSON object into key and value texts (strings unescaped, numbers and
   * literals as written, nested values skipped). Returns null on success, else what is wrong.
   */
  static String parseFlat(String s, List<String> keys, List<String> values) {
    int[] pos = {skipWs(s, 0)};
    if (pos[0] >= s.length() || s.charAt(pos[0]) != '{') {
      return "expected '{'";
    }
    pos[0] = skipWs(s, pos[0] + 1);
    if (pos[0] < s.length() && s.charAt(pos[0]) == '}') {
      return trailing(s, pos[0] + 1);
    }
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos[0] >= s.length() || s.charAt(pos[0]) != '"') {
        return "expected a key at column " + (pos[0] + 1);
      }
      String key = readString(s, pos, sb);
      if (key == null) {
        return "unterminated string";
      }
      pos[0] = skipWs(s, pos[0]);
      if (pos[0] >= s.length() || s.charAt(pos[0]) != ':') {
        return "expected ':' after key '" + key + "'";
      }
      pos[0] = skipWs(s, pos[0] + 1);
      if (pos[0] >= s.length()) {
        return "missing value for key '" + key + "'";
      }
      char c = s.charAt(pos[0]);
      if (c == '"') {
        String v = readString(s, pos, sb);
        if (v == null) {
          return "unterminated string";
        }
        keys.add(key);
        values.add(v);
      } else if (c == '{' || c == '[') {
        int depth = 0;
        boolean inString = false;
        int i = pos[0];
        for (; i < s.length(); i++) {
          char d = s.charAt(i);
          if (inString) {
            if (d == '\\') {
              i++;
            } else if (d == '"') {
              inString = false;
            }
          } else if (d == '"') {
            inString = true;
          } else if (d == '{' || d == '[') {
            depth++;
          } else if ((d == '}' || d == ']') && --depth == 0) {
            break;
          }
        }
        if (i >= s.length()) {
          return "unterminated nested value";
        }
        pos[0] = i + 1;
      } else {
        int st = pos[0];
        int i = st;
        while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '}' && !Character.isWhitespace(s.charAt(i))) {
          i++;
        }
        String lit = s.substring(st, i);
        if (lit.isEmpty()) {
          return "missing value for key '" + key + "'";
        }
        if (!lit.equals("null")) {
          keys.add(key);
          values.add(lit);
        }
        pos[0] = i;
      }
      pos[0] = skipWs(s, pos[0]);
      if (pos[0] >= s.length()) {
        return "expected ',' or '}'";
      }
      char sep = s.charAt(pos[0]);
      if (sep == '}') {
        return trailing(s, pos[0] + 1);
      }
      if (sep != ',') {
        return "expected ',' or '}' at column " + (pos[0] + 1);
      }
      pos[0] = skipWs(s, pos[0] + 1);
    }
  }

  private static String trailing(String s, int from) {
    return skipWs(s, from) == s.length() ? null : "text after the closing '}'";
  }

  private static int skipWs(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Reads a string starting at the opening quote; leaves pos after the closing quote. */
  private static String readString(String s, int[] pos, StringBuilder sb) {
    sb.setLength(0);
    int i = pos[0] + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        pos[0] = i + 1;
        return sb.toString();
      }
      if (c == '\\') {
        if (i + 1 >= s.length()) {
          return null;
        }
        char e = s.charAt(++i);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            if (i + 4 >= s.length()) {
              return null;
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            } catch (NumberFormatException ex) {
              return null;
            }
            i += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
      }
      i++;
    }
    return null;
  }
}
