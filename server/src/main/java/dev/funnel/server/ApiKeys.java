package dev.funnel.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured API keys and what each may do. Checks a presented key in constant time: every
 * configured key is compared with {@link MessageDigest#isEqual} over UTF-8 bytes, with no early exit,
 * so the time taken says nothing about which key (or how much of one) matched. Keys are never logged
 * or echoed.
 *
 * <p>Key file format, one entry per line; blank lines and lines starting with {@code #} are skipped:
 * <pre>
 *   KEY            a write key (writes and reads)
 *   write:KEY      the same, spelled out
 *   read:KEY       a read-only key (reads, when reads need a key)
 * </pre>
 * A key is at least {@value #MIN_KEY_LENGTH} characters without whitespace.
 */
public final class ApiKeys {
  /** Shortest accepted key: shorter ones are guessable. */
  public static final int MIN_KEY_LENGTH = 16;
  /** The environment variable holding one write key. */
  public static final String ENV_VAR = "FUNNEL_API_KEY";

  /** What a key may do; {@link #WRITE} includes reading. */
  public enum Role {
    READ,
    WRITE;

    boolean allows(Role needed) {
      return this == WRITE || needed == READ;
    }
  }

  private static final ApiKeys NONE = new ApiKeys(List.of(), List.of());

  private final byte[][] keys;
  private final Role[] roles;

  private ApiKeys(List<byte[]> keys, List<Role> roles) {
    this.keys = keys.toArray(new byte[0][]);
    this.roles = roles.toArray(new Role[0]);
  }

  /** No keys: the server then takes writes only on a loopback address. */
  public static ApiKeys none() {
    return NONE;
  }

  /**
   * Parses key-file lines (format in the class comment).
   *
   * @param source named in errors, e.g. the file name
   * @throws IllegalArgumentException naming the source and line of a bad entry (never the key itself)
   */
  public static ApiKeys parse(List<String> lines, String source) {
    List<byte[]> keys = new ArrayList<>();
    List<Role> roles = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Role role = Role.WRITE;
      String key = line;
      if (line.startsWith("write:")) {
        key = line.substring("write:".length());
      } else if (line.startsWith("read:")) {
        role = Role.READ;
        key = line.substring("read:".length());
      }
      add(keys, roles, key, role, source + " line " + (n + 1));
    }
    return new ApiKeys(keys, roles);
  }

  /**
   * Keys from a file (if not null) plus one write key from {@code envKey} (if not null or blank).
   *
   * @throws IllegalArgumentException if the file cannot be read or holds a bad entry
   */
  public static ApiKeys load(Path file, String envKey) {
    List<String> lines = new ArrayList<>();
    String source = ENV_VAR;
    if (file != null) {
      try {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read API key file " + file + ": " + e.getMessage(), e);
      } catch (UncheckedIOException e) {
        throw new IllegalArgumentException("cannot read API key file " + file + ": " + e.getMessage(), e);
      }
      source = file.toString();
    }
    ApiKeys fromFile = parse(lines, source);
    if (envKey == null || envKey.isBlank()) {
      return fromFile;
    }
    List<byte[]> keys = new ArrayList<>(List.of(fromFile.keys));
    List<Role> roles = new ArrayList<>(List.of(fromFile.roles));
    add(keys, roles, envKey.strip(), Role.WRITE, ENV_VAR);
    return new ApiKeys(keys, roles);
  }

  private static void add(List<byte[]> keys, List<Role> roles, String key, Role role, String where) {
    if (key.length() < MIN_KEY_LENGTH) {
      throw new IllegalArgumentException(where + ": an API key must be at least " + MIN_KEY_LENGTH + " characters; length=" + key.length());
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isWhitespace(key.charAt(i))) {
        throw new IllegalArgumentException(where + ": an API key must not contain whitespace");
      }
    }
    keys.add(key.getBytes(StandardCharsets.UTF_8));
    roles.add(role);
  }

  /** True when no key is configured. */
  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** How many keys are configured. */
  public int size() {
    return keys.length;
  }

  /**
   * The index of the configured key equal to {@code presented}, or -1. Compares against every key
   * (constant time per key, no early exit).
   */
  int match(String presented) {
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    int found = -1;
    for (int i = 0; i < keys.length; i++) {
      boolean equal = MessageDigest.isEqual(keys[i], p);
      found = equal ? i : found;
    }
    return found;
  }

  /** The role of the key at {@code index} (from {@link #match}). */
  Role role(int index) {
    return roles[index];
  }
}
