package dev.funnel.rank.nn;

/**
 * An element-wise activation with trained parameters per unit (PReLU, Dice), over a mini-batch of m
 * rows of {@link #width()} units (row-major m x width). Unlike {@link Activation} it owns weights:
 * {@link #params()} are trained by gradient (laid out as the gradient {@link #backward} accumulates),
 * {@link #state()} is updated by the training forward itself (running statistics) and used at
 * inference. Per-batch values that backward needs live in a caller-owned cache of {@link
 * #cacheSize} floats, so one activation can run on several threads, each with its own cache.
 */
public interface ParametricActivation {
  /** Units per row. */
  int width();

  /** The trained parameters; the array the activation computes with. */
  float[] params();

  /** Statistics kept by the training forward (empty when none); the array it computes with. */
  float[] state();

  /** Floats of cache that {@link #forward} needs for m rows. */
  int cacheSize(int m);

  /**
   * {@code a = f(z)} on m rows; {@code training} selects batch statistics (and updates {@link
   * #state()}) over running ones where the activation has any.
   */
  void forward(float[] z, float[] a, int m, float[] cache, boolean training);

  /**
   * {@code dz = dL/dz} given {@code da = dL/da} and the forward's z and cache; adds dL/dparams to
   * {@code grad} (length {@code params().length}). {@code dz} may alias {@code da}.
   */
  void backward(float[] z, float[] da, float[] dz, int m, float[] cache, float[] grad);
}
