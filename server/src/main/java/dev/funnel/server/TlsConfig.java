package dev.funnel.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the server's TLS key and certificate come from: either a PEM certificate (chain) plus a PEM
 * private key (PKCS#8 {@code BEGIN PRIVATE KEY} or PKCS#1 {@code BEGIN RSA PRIVATE KEY}), or a PKCS#12
 * key store and its password. The files are read when the server starts; a missing or unreadable one
 * fails here, naming it.
 *
 * @param certPem PEM certificate chain, server certificate first; null when {@code keyStore} is given
 * @param keyPem PEM private key of that certificate; null when {@code keyStore} is given
 * @param keyStore PKCS#12 file holding one key entry; null when the PEM pair is given
 * @param keyStorePassword the key store's password (also the key's); null with PEM
 */
public record TlsConfig(Path certPem, Path keyPem, Path keyStore, String keyStorePassword) {
  /** Environment variable read for the key store password when no password file is given. */
  public static final String PASSWORD_ENV_VAR = "FUNNEL_TLS_KEYSTORE_PASSWORD";

  public TlsConfig {
    boolean pem = certPem != null || keyPem != null;
    if (pem && keyStore != null) {
      throw new IllegalArgumentException("give either a PEM certificate and key or a PKCS#12 key store, not both; keyStore=" + keyStore);
    }
    if (pem) {
      if (certPem == null || keyPem == null) {
        throw new IllegalArgumentException("PEM TLS needs both a certificate and a key; certPem=" + certPem + ", keyPem=" + keyPem);
      }
      readable("certPem", certPem);
      readable("keyPem", keyPem);
    } else {
      if (keyStore == null) {
        throw new IllegalArgumentException("TLS needs a PEM certificate and key or a PKCS#12 key store; none given");
      }
      readable("keyStore", keyStore);
      if (keyStorePassword == null) {
        throw new IllegalArgumentException("keyStorePassword must not be null for keyStore=" + keyStore + " (use a password file or "
            + PASSWORD_ENV_VAR + ")");
      }
    }
  }

  /** TLS from a PEM certificate (chain) and its PEM private key. */
  public static TlsConfig pem(Path cert, Path key) {
    return new TlsConfig(cert, key, null, null);
  }

  /** TLS from a PKCS#12 key store. */
  public static TlsConfig pkcs12(Path keyStore, String password) {
    return new TlsConfig(null, null, keyStore, password);
  }

  /** Whether this is the PEM form. */
  public boolean isPem() {
    return certPem != null;
  }

  /**
   * The key store password: the first line of {@code file} when given (so it stays out of the process
   * list and shell history), else {@code envValue} (the value of {@link #PASSWORD_ENV_VAR}), else null.
   */
  public static String password(Path file, String envValue) {
    if (file != null) {
      readable("password file", file);
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the password file " + file + ": " + e.getMessage(), e);
      }
    }
    return envValue;
  }

  private static void readable(String what, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " is not a readable file; " + what + "=" + file);
    }
  }

  @Override
  public String toString() {
    // Never print the password.
    return isPem() ? "TlsConfig[pem cert=" + certPem + ", key=" + keyPem + "]" : "TlsConfig[pkcs12 " + keyStore + "]";
  }
}
