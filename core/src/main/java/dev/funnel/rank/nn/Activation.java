package dev.funnel.rank.nn;

/** Element-wise activations with their derivatives, for {@link Mlp} hidden layers. */
public enum Activation {
  /** max(0, z). */
  RELU {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = Math.max(0f, z[i]);
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] da, float[] dz, int n) {
      for (int i = 0; i < n; i++) {
        dz[i] = z[i] > 0f ? da[i] : 0f;
      }
    }
  },
  /** z sigmoid(z) (Ramachandran, Zoph and Le 2017, "Searching for Activation Functions"); derivative s + a (1 - s). */
  SWISH {
    @Override
    public void forward(float[] z, float[] a, int n) {
      for (int i = 0; i < n; i++) {
        a[i] = z[i] / (1f + (float) Math.exp(-z[i]));
      }
    }

    @Override
    public void backward(float[] z, float[] a, float[] da, float[] dz, int n) {
      for (int i = 0; i < n; i++) {
        float s = 1f / (1f + (float) Math.exp(-z[i]));
        dz[i] = da[i] * (s + a[i] * (1f - s));
      }
    }
  };

  /** {@code a[i] = f(z[i])} for i in [0, n). */
  public abstract void forward(float[] z, float[] a, int n);

  /** {@code dz[i] = da[i] f'(z[i])}, given the forward's z and a; dz may alias da. */
  public abstract void backward(float[] z, float[] a, float[] da, float[] dz, int n);
}
