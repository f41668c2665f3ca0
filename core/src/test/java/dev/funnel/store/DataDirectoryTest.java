package dev.funnel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir Path tmp;

  @Test
  void createsTheDocumentedLayout() throws IOException {
    Path root = tmp.resolve("data");
    try (DataDirectory dir = DataDirectory.open(root)) {
      assertThat(dir.root()).isEqualTo(root.toRealPath());
      assertThat(dir.layoutVersion()).isEqualTo(DataDirectory.LAYOUT_VERSION);
      for (Path sub : List.of(dir.logDir(), dir.catalogDir(), dir.modelsDir(), dir.snapshotsDir())) {
        assertThat(sub).isDirectory();
      }
      assertThat(dir.logDir().getFileName()).hasToString("log");
      assertThat(dir.catalogDir().getFileName()).hasToString("catalog");
      assertThat(Files.readString(root.resolve("VERSION")).trim()).isEqualTo("1");
      assertThat(dir.holder()).contains("pid=" + ProcessHandle.current().pid()).contains("started=");
    }
    // Read only after close: reading it while held would drop this process's POSIX lock.
    assertThat(Files.readString(root.resolve("funnel.lock"))).contains("pid=" + ProcessHandle.current().pid());
  }

  @Test
  void secondOpenInTheSameJvmFailsNamingDirectoryAndPid() throws Exception {
    Path root = tmp.resolve("data");
    try (DataDirectory first = DataDirectory.open(root)) {
      assertThatThrownBy(() -> DataDirectory.open(root))
          .isInstanceOf(DataDirectoryLockedException.class)
          .hasMessageContaining(first.root().toString())
          .hasMessageContaining("pid=" + ProcessHandle.current().pid());
      // The failed attempt must not have dropped the first holder's OS lock (POSIX drops a process's
      // locks when any descriptor of the file closes): another process must still be refused.
      Probe probe = runProbe(root);
      assertThat(probe.exit).as(probe.output).isEqualTo(3);
      // Still usable after the failed attempt.
      assertThat(first.catalogDir()).isDirectory();
    }
    try (DataDirectory again = DataDirectory.open(root)) {
      assertThat(again.layoutVersion()).isEqualTo(1);
    }
  }

  @Test
  void aSecondProcessIsRefusedWhileTheFirstHoldsTheLockAndSucceedsAfterClose() throws Exception {
    Path root = tmp.resolve("data");
    DataDirectory first = DataDirectory.open(root);
    Probe refused;
    try {
      refused = runProbe(root);
    } finally {
      first.close();
    }
    assertThat(refused.exit).as(refused.output).isEqualTo(3);
    assertThat(refused.output)
        .contains("data directory " + first.root() + " is in use by another Funnel server")
        .contains("pid=" + ProcessHandle.current().pid());

    Probe opened = runProbe(root);
    assertThat(opened.exit).as(opened.output).isEqualTo(0);
    assertThat(opened.output).contains("opened " + first.root());
    // The child wrote its own PID; we can reopen after it exited.
    try (DataDirectory reopened = DataDirectory.open(root)) {
      assertThat(reopened.holder()).contains("pid=" + ProcessHandle.current().pid());
    }
  }

  @Test
  void aLockTakenOutsideDataDirectoryInThisJvmIsReportedTheSameWay() throws IOException {
    Path root = tmp.resolve("data");
    Files.createDirectories(root);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(root.resolve("funnel.lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held = ch.lock()) {
      assertThat(held.isValid()).isTrue();
      assertThatThrownBy(() -> DataDirectory.open(root))
          .isInstanceOf(DataDirectoryLockedException.class)
          .hasMessageContaining("data directory " + root.toRealPath() + " is in use by another Funnel server")
          .hasMessageContaining("pid=" + ProcessHandle.current().pid());
    }
    DataDirectory.open(root).close();
  }

  @Test
  void closeIsIdempotentAndReopenWorks() {
    Path root = tmp.resolve("data");
    DataDirectory d = DataDirectory.open(root);
    d.close();
    d.close();
    try (DataDirectory again = DataDirectory.open(root)) {
      assertThat(again.logDir()).isDirectory();
    }
  }

  @Test
  void newerLayoutVersionFailsClearly() throws IOException {
    Path root = tmp.resolve("data");
    DataDirectory.open(root).close();
    Files.writeString(root.resolve("VERSION"), "2\n");
    assertThatThrownBy(() -> DataDirectory.open(root))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(root.toRealPath().toString())
        .hasMessageContaining("layout version 2")
        .hasMessageContaining("up to 1");
    // The failed open released the lock.
    Files.writeString(root.resolve("VERSION"), "1\n");
    DataDirectory.open(root).close();
  }

  @Test
  void unreadableVersionFailsNamingTheContent() throws IOException {
    Path root = tmp.resolve("data");
    DataDirectory.open(root).close();
    Files.writeString(root.resolve("VERSION"), "banana");
    assertThatThrownBy(() -> DataDirectory.open(root))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("VERSION")
        .hasMessageContaining("content=\"banana\"");
  }

  @Test
  void refusesANonEmptyForeignDirectory() throws IOException {
    Path root = tmp.resolve("home");
    Files.createDirectories(root);
    Files.writeString(root.resolve("thesis.tex"), "precious", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DataDirectory.open(root))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a Funnel data directory")
        .hasMessageContaining("thesis.tex");
    assertThat(root.resolve("log")).doesNotExist();
  }

  private record Probe(int exit, String output) {}

  private static Probe runProbe(Path root) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DataDirectoryLockProbe.class.getName(), root.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("probe process did not finish in 60 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Probe(p.exitValue(), out);
  }
}
