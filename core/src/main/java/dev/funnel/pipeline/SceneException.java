package dev.funnel.pipeline;

/**
 * A scene that cannot be built: names the file (once the loader knows it), the key path (e.g.
 * {@code channels[1].quota}) and the bad value, as {@code home.yaml: channels[1].quota: must be an
 * integer in [1, 100000]; quota=0}.
 */
public final class SceneException extends IllegalArgumentException {
  private final String file;
  private final String key;
  private final String value;
  private final String detail;

  public SceneException(String file, String key, String value, String detail) {
    super(format(file, key, value, detail));
    this.file = file;
    this.key = key;
    this.value = value;
    this.detail = detail;
  }

  private static String format(String file, String key, String value, String detail) {
    String last = key == null ? "value" : key.substring(key.lastIndexOf('.') + 1);
    return (file == null ? "" : file + ": ") + (key == null ? "" : key + ": ") + detail + (value == null ? "" : "; " + last + "=" + value);
  }

  /** The same error located in {@code inFile} (unchanged when it already names a file). */
  public SceneException inFile(String inFile) {
    return file != null ? this : new SceneException(inFile, key, value, detail);
  }

  public String file() {
    return file;
  }

  public String key() {
    return key;
  }

  public String value() {
    return value;
  }
}
