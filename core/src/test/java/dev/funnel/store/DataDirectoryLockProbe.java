package dev.funnel.store;

import java.nio.file.Path;

/**
 * A tiny main run as a separate process by {@link DataDirectoryTest}: opens the directory given as
 * the argument, prints "opened" (exit 0) or the error message (exit 3).
 */
public final class DataDirectoryLockProbe {
  private DataDirectoryLockProbe() {}

  public static void main(String[] args) {
    try (DataDirectory dir = DataDirectory.open(Path.of(args[0]))) {
      System.out.println("opened " + dir.root());
    } catch (RuntimeException e) {
      System.out.println(e.getMessage());
      System.exit(3);
    }
  }
}
