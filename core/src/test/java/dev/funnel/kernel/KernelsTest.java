package dev.funnel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class KernelsTest {

  /** Records every line, whatever the level. */
  static final class RecordingLogger implements System.Logger {
    final List<String> lines = new ArrayList<>();

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + format);
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      lines.add(level + " " + msgSupplier.get());
    }
  }

  @Test
  void surefireRunsWithTheVectorModuleSoSimdIsChosen() {
    // The root pom's funnel.test.argLine adds the module; losing it would silently test scalar twice.
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
    assertThat(Kernels.simd()).isPresent();
    assertThat(Kernels.simdUnavailableReason()).isEmpty();
    assumeTrue(System.getProperty(Kernels.PROPERTY) == null, "-Dfunnel.kernels set on the test JVM");
    assertThat(Kernels.get()).isInstanceOf(PanamaKernels.class);
    assertThat(Kernels.get()).isSameAs(Kernels.get());
    assertThat(Kernels.get().name()).startsWith("panama-");
  }

  @Test
  void autoChoosesSimdWithOneDebugLine() {
    RecordingLogger log = new RecordingLogger();
    assertThat(Kernels.select(null, log)).isInstanceOf(PanamaKernels.class);
    assertThat(Kernels.select("auto", new RecordingLogger())).isInstanceOf(PanamaKernels.class);
    assertThat(log.lines).hasSize(1);
    assertThat(log.lines.get(0)).startsWith("DEBUG Using SIMD kernels panama-");
  }

  @Test
  void propertyForcesScalar() {
    RecordingLogger log = new RecordingLogger();
    assertThat(Kernels.select("scalar", log)).isSameAs(Kernels.scalar()).isInstanceOf(ScalarKernels.class);
    assertThat(Kernels.select(" SCALAR ", new RecordingLogger())).isInstanceOf(ScalarKernels.class);
    assertThat(log.lines).containsExactly("INFO Using scalar kernels: forced by -Dfunnel.kernels=scalar");
  }

  @Test
  void propertyCanRequireSimd() {
    assertThat(Kernels.select("panama", new RecordingLogger())).isInstanceOf(PanamaKernels.class);
  }

  @Test
  void unknownPropertyValueIsNamed() {
    assertThatThrownBy(() -> Kernels.select("avx", new RecordingLogger()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("funnel.kernels must be auto, scalar or panama; funnel.kernels=avx");
  }

  @Test
  void withoutTheModuleAChildJvmFallsBackToScalarWithOneHint() throws Exception {
    Result r = runProbe();
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.trim()).isEqualTo("scalar 14.0");
    List<String> hints = r.err.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).toList();
    assertThat(hints).as(r.err).hasSize(1);
    assertThat(hints.get(0)).contains("Using scalar kernels: module jdk.incubator.vector is not in the boot layer");
    assertThat(r.err).doesNotContain("NoClassDefFoundError");
  }

  @Test
  void withoutTheModuleRequiringSimdFailsWithTheHint() throws Exception {
    Result r = runProbe("-Dfunnel.kernels=panama");
    assertThat(r.exit).isNotZero();
    assertThat(r.err).contains("funnel.kernels=panama but SIMD kernels are unavailable")
        .contains("--add-modules jdk.incubator.vector");
  }

  private record Result(int exit, String out, String err) {}

  private static Result runProbe(String... jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelsProbe.class.getName()));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    // Outputs are tiny; read stderr fully after stdout (no deadlock at these sizes).
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out, err);
  }
}
