package dev.funnel.bench.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a flat {@code key: value} preset (comments with #, lists as {@code [a, b]}). This module
 * cannot use the bench module's YAML reader: Spark pins its own Jackson version.
 */
final class FlatYaml {
  private FlatYaml() {}

  static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read preset " + file, e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      int hash = line.indexOf('#');
      String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (text.isEmpty()) {
        continue;
      }
      int colon = text.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(file + ":" + (n + 1) + ": expected 'key: value'; got '" + line + "'");
      }
      out.put(text.substring(0, colon).strip(), text.substring(colon + 1).strip());
    }
    return out;
  }

  static String require(Map<String, String> preset, String key, Path file) {
    String v = preset.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(file + ": missing field '" + key + "'");
    }
    return v;
  }

  static int intValue(Map<String, String> preset, String key, Path file) {
    String v = require(preset, key, file);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": field '" + key + "': expected an integer; got '" + v + "'");
    }
  }

  static double doubleValue(Map<String, String> preset, String key, Path file) {
    String v = require(preset, key, file);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": field '" + key + "': expected a number; got '" + v + "'");
    }
  }

  static int[] intList(Map<String, String> preset, String key, Path file) {
    String v = require(preset, key, file);
    String body = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
    String[] parts = body.split(",");
    int[] out = new int[parts.length];
    for (int n = 0; n < parts.length; n++) {
      try {
        out[n] = Integer.parseInt(parts[n].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ": field '" + key + "': expected integers; got '" + v + "'");
      }
    }
    return out;
  }
}
