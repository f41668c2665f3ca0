package dev.funnel.kernel;

/**
 * tanh in float as the odd rational minimax p(x)/q(x) of degrees 13/6 that Eigen, XLA and ONNX
 * Runtime's MLAS use: x clamped to +-7.9053 (where tanh rounds to +-1 in float), Horner steps as
 * fused multiply-adds, tanh(x) = x below |x| < 4e-4 (where x^3/3 is below half an ulp of x). Within
 * 3e-7 of {@code Math.tanh} relative (at most 5 ulps, near +-1; a sweep of every 7th float in
 * [1e-6, 9]; {@code PanamaKernelsTest} checks 4e-7).
 *
 * <p>Written out here once so that the SIMD kernel ({@link PanamaKernels#tanh}) and the scalar one
 * perform the same operations and agree to the bit, compiled or interpreted.
 */
final class Tanh {
  static final float CLAMP = 7.90531110763549805f;
  static final float TINY = 0.0004f;
  static final float A1 = 4.89352455891786e-03f;
  static final float A3 = 6.37261928875436e-04f;
  static final float A5 = 1.48572235717979e-05f;
  static final float A7 = 5.12229709037114e-08f;
  static final float A9 = -8.60467152213735e-11f;
  static final float A11 = 2.00018790482477e-13f;
  static final float A13 = -2.76076847742355e-16f;
  static final float B0 = 4.89352518554385e-03f;
  static final float B2 = 2.26843463243900e-03f;
  static final float B4 = 1.18534705686654e-04f;
  static final float B6 = 1.19825839466702e-06f;

  private Tanh() {}

  static float of(float x) {
    if (Math.abs(x) < TINY) {
      return x;
    }
    float c = Math.min(Math.max(x, -CLAMP), CLAMP);
    float c2 = c * c;
    float p = Math.fma(c2, A13, A11);
    p = Math.fma(p, c2, A9);
    p = Math.fma(p, c2, A7);
    p = Math.fma(p, c2, A5);
    p = Math.fma(p, c2, A3);
    p = Math.fma(p, c2, A1);
    p = p * c;
    float q = Math.fma(c2, B6, B4);
    q = Math.fma(q, c2, B2);
    q = Math.fma(q, c2, B0);
    return p / q;
  }
}
