package dev.funnel.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the {@link VectorKernels} implementation once per JVM.
 *
 * <p>{@link #get()} returns the SIMD kernels when the module {@code jdk.incubator.vector} is in the
 * boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}) and the preferred
 * float species has more than one lane; otherwise the scalar twin, with one log line saying how to
 * enable SIMD. The SIMD class is loaded reflectively and only after the module check, so no code path
 * touches {@code jdk.incubator.vector} classes on a JVM without the module.
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default), {@code scalar} (force the scalar
 * kernels, e.g. to compare or to rule SIMD out when debugging) or {@code panama} (require SIMD; fail
 * if it is unavailable, so a benchmark never measures the fallback by accident).
 */
public final class Kernels {
  /** System property that overrides the choice: auto, scalar or panama. */
  public static final String PROPERTY = "funnel.kernels";
  static final String VECTOR_MODULE = "jdk.incubator.vector";
  static final String ENABLE_HINT = "run java with --add-modules " + VECTOR_MODULE + " to enable SIMD kernels";

  private static final System.Logger LOG = System.getLogger(Kernels.class.getName());
  private static final VectorKernels SCALAR = new ScalarKernels();
  private static volatile VectorKernels chosen;
  /** Loaded at most once: either the SIMD kernels or the reason they are unavailable. */
  private static volatile Object simdOrReason;

  private Kernels() {}

  /** The kernels for this JVM, chosen on first call (see the class comment). */
  public static VectorKernels get() {
    VectorKernels k = chosen;
    if (k == null) {
      synchronized (Kernels.class) {
        k = chosen;
        if (k == null) {
          k = select(System.getProperty(PROPERTY), LOG);
          chosen = k;
        }
      }
    }
    return k;
  }

  /** The scalar kernels, whatever {@link #get()} chose. */
  public static VectorKernels scalar() {
    return SCALAR;
  }

  /** The SIMD kernels if this JVM can run them, whatever the property says; logs nothing. */
  public static Optional<VectorKernels> simd() {
    Object r = loadSimd();
    return r instanceof VectorKernels ? Optional.of((VectorKernels) r) : Optional.empty();
  }

  /** Why {@link #simd()} is empty, or empty if SIMD is available. */
  public static Optional<String> simdUnavailableReason() {
    Object r = loadSimd();
    return r instanceof String ? Optional.of((String) r) : Optional.empty();
  }

  /**
   * The choice for a property value, logging one line to {@code log}: at DEBUG when SIMD is chosen,
   * INFO when scalar is forced, WARNING when SIMD is unavailable. Package-private for tests.
   */
  static VectorKernels select(String mode, System.Logger log) {
    String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
    switch (m) {
      case "", "auto": {
        Optional<VectorKernels> simd = simd();
        if (simd.isPresent()) {
          log.log(System.Logger.Level.DEBUG, "Using SIMD kernels " + simd.get().name());
          return simd.get();
        }
        log.log(System.Logger.Level.WARNING,
            "Using scalar kernels: " + simdUnavailableReason().orElse("?") + "; " + ENABLE_HINT);
        return SCALAR;
      }
      case "scalar":
        log.log(System.Logger.Level.INFO, "Using scalar kernels: forced by -D" + PROPERTY + "=scalar");
        return SCALAR;
      case "panama": {
        Optional<VectorKernels> simd = simd();
        if (simd.isEmpty()) {
          throw new IllegalStateException(PROPERTY + "=panama but SIMD kernels are unavailable: "
              + simdUnavailableReason().orElse("?") + "; " + ENABLE_HINT);
        }
        log.log(System.Logger.Level.DEBUG, "Using SIMD kernels " + simd.get().name() + ": forced by -D" + PROPERTY);
        return simd.get();
      }
      default:
        throw new IllegalArgumentException(PROPERTY + " must be auto, scalar or panama; " + PROPERTY + "=" + mode);
    }
  }

  private static Object loadSimd() {
    Object r = simdOrReason;
    if (r == null) {
      synchronized (Kernels.class) {
        r = simdOrReason;
        if (r == null) {
          r = tryLoadSimd();
          simdOrReason = r;
        }
      }
    }
    return r;
  }

  private static Object tryLoadSimd() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return "module " + VECTOR_MODULE + " is not in the boot layer";
    }
    try {
      Class<?> type = Class.forName(Kernels.class.getPackageName() + ".PanamaKernels");
      return type.asSubclass(VectorKernels.class).getDeclaredConstructor().newInstance();
    } catch (InvocationTargetException e) {
      // The constructor refuses a 1-lane species (no usable SIMD on this CPU or JVM flags).
      return String.valueOf(e.getCause().getMessage());
    } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
      return "cannot load the SIMD kernels (" + e + ")";
    }
  }
}
