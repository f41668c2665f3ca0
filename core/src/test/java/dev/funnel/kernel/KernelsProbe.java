package dev.funnel.kernel;

/** Child-JVM entry for {@link KernelsTest}: prints the chosen kernels' name on stdout. */
public final class KernelsProbe {
  private KernelsProbe() {}

  public static void main(String[] args) {
    VectorKernels k = Kernels.get();
    // Exercise the kernels so a lazily failing class load would show up here too.
    float[] x = {1f, 2f, 3f};
    System.out.println(k.name() + " " + k.dot(x, 0, x, 0, 3));
  }
}
