package dev.funnel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API ({@code jdk.incubator.vector}) with
 * {@link FloatVector#SPECIES_PREFERRED} (16 float lanes with AVX-512, 8 with AVX2) and fused
 * multiply-add. Reductions keep four independent vector accumulators (loop unrolled by 4 lanes-widths)
 * to hide FMA latency and reduce across lanes once at the end, in a fixed order ({@link #sumLanes});
 * tails shorter than a vector run in scalar code (masked loads are slow on some JDK 17 / AVX2
 * combinations, as Lucene found).
 *
 * <p>Never reference this class directly: {@link Kernels} loads it reflectively, only when the
 * module is in the boot layer, so a JVM started without {@code --add-modules jdk.incubator.vector}
 * never fails with {@code NoClassDefFoundError}.
 */
final class PanamaKernels implements VectorKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  /** Lanes (0 1 2 3) to (2 3 0 1) of a 4-lane vector: the last vector step of {@link #sumLanes}. */
  private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(FloatVector.SPECIES_128, i -> i ^ 2);
  /**
   * GEMM micro-tile: MR rows of A times NR = 2 vectors of B columns, MR x 2 accumulators. MR = 8 with
   * 16-lane vectors (AVX-512's 32 registers hold the 16 accumulators, 2 of B and a broadcast), 4
   * otherwise (AVX2's 16 registers: 8 + 3).
   */
  private static final int MR = LANES >= 16 ? 8 : 4;
  private static final int NR = 2 * LANES;
  /**
   * Steps of k per packed block: a kc x NR micro-panel of B is 32 KiB with 16 lanes, streamed from L2;
   * 128 (L1-resident) and 512 measured no better on the 2-core EPYC here (2048x400x400: 70-86 GFLOP/s
   * per core either way, within the noise of a shared machine), and fewer passes over C favour larger.
   */
  private static final int KC = 256;
  /** Rows of A per packed block (a multiple of MR): 128 KiB of A, kept in L2. */
  private static final int MC = 128;
  /** Columns of B per packed block (a multiple of NR): 512 KiB of B, kept in L2 (1 MiB here). */
  private static final int NC = 512;
  /** Per-thread packing buffers: A block, B block, one spilled edge tile. */
  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], new float[NC * KC], new float[MR * NR]});

  /**
   * The sum of v's lanes in one fixed order: upper half added to lower half down to 4 lanes, then lanes
   * (0+2)+(1+3) (vectors of other than 2, 4, 8 or 16 lanes: lane by lane). {@code reduceLanes(ADD)}
   * leaves the order open, and C2's tree differs from the interpreter's sequential sum, so a dot
   * product changed in its last bit once its caller was compiled (AVX2: a resumed MF-BPR run did not
   * match a straight one, a reloaded model's scores moved by an ulp).
   * Costs about 1 ns a reduction more than C2's (8 lanes, measured).
   */
  static float sumLanes(FloatVector v) {
    if (LANES > 16 || Integer.bitCount(LANES) != 1) { // wider or odd SVE vectors: lane by lane, in order
      float sum = 0f;
      for (int i = 0; i < LANES; i++) {
        sum += v.lane(i);
      }
      return sum;
    }
    FloatVector w = v;
    if (LANES == 16) {
      w = addHalves(w, FloatVector.SPECIES_256);
    }
    if (LANES >= 8) {
      w = addHalves(w, FloatVector.SPECIES_128);
    }
    if (LANES >= 4) {
      w = w.add(w.rearrange(SWAP_PAIRS));
    }
    return w.lane(0) + w.lane(1);
  }

  /** The lower half of v plus its upper half, as a vector of {@code half}. */
  private static FloatVector addHalves(FloatVector v, VectorSpecies<Float> half) {
    return ((FloatVector) v.reinterpretShape(half, 0)).add((FloatVector) v.reinterpretShape(half, 1));
  }

  /** Public for reflection only; see the class comment. */
  public PanamaKernels() {
    if (LANES < 2) {
      throw new UnsupportedOperationException("the preferred float vector species has " + LANES
          + " lane; SIMD would be slower than scalar code");
    }
  }

  static int lanes() {
    return LANES;
  }

  @Override
  public String name() {
    return "panama-" + SPECIES.vectorBitSize() + "bit";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    Windows.check(a, aOff, n);
    Windows.check(b, bOff, n);
    return dotUnchecked(a, aOff, b, bOff, n);
  }

  private static float dotUnchecked(float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    float sum = 0f;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int bound4 = n - n % (4 * LANES); i < bound4; i += 4 * LANES) {
        acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
        acc1 = FloatVector.fromArray(SPECIES, a, aOff + i + LANES)
            .fma(FloatVector.fromArray(SPECIES, b, bOff + i + LANES), acc1);
        acc2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * LANES)
            .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * LANES), acc2);
        acc3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * LANES)
            .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * LANES), acc3);
      }
      for (; i < bound; i += LANES) {
        acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
      }
      sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    }
    for (; i < n; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  /**
   * With {@code n} one block of four vectors (64 floats with AVX-512, an HNSW node's vector), the
   * query stays in four registers and two rows are scored per iteration, their loads and FMAs
   * interleaved; each row's sum is formed in the same order as {@link #dot} (four products, a
   * pairwise add, {@link #sumLanes}), so the results are bit-identical to it.
   */
  @Override
  public void dotMany(float[] q, int qOff, float[] m, int[] offsets, int count, int n, float[] out) {
    Windows.check(q, qOff, n);
    Windows.checkMany(offsets, count, out);
    if (n == 8 * LANES && LANES == 8) {
      dotManyEightVectors(q, qOff, m, offsets, count, out);
      return;
    }
    if (n != 4 * LANES) {
      for (int i = 0; i < count; i++) {
        int off = offsets[i];
        Windows.check(m, off, n);
        out[i] = dotUnchecked(q, qOff, m, off, n);
      }
      return;
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector q0 = FloatVector.fromArray(SPECIES, q, qOff);
    FloatVector q1 = FloatVector.fromArray(SPECIES, q, qOff + LANES);
    FloatVector q2 = FloatVector.fromArray(SPECIES, q, qOff + 2 * LANES);
    FloatVector q3 = FloatVector.fromArray(SPECIES, q, qOff + 3 * LANES);
    int i = 0;
    for (; i + 1 < count; i += 2) {
      int a = offsets[i];
      int b = offsets[i + 1];
      Windows.check(m, a, n);
      Windows.check(m, b, n);
      FloatVector a0 = q0.fma(FloatVector.fromArray(SPECIES, m, a), zero);
      FloatVector b0 = q0.fma(FloatVector.fromArray(SPECIES, m, b), zero);
      FloatVector a1 = q1.fma(FloatVector.fromArray(SPECIES, m, a + LANES), zero);
      FloatVector b1 = q1.fma(FloatVector.fromArray(SPECIES, m, b + LANES), zero);
      FloatVector a2 = q2.fma(FloatVector.fromArray(SPECIES, m, a + 2 * LANES), zero);
      FloatVector b2 = q2.fma(FloatVector.fromArray(SPECIES, m, b + 2 * LANES), zero);
      FloatVector a3 = q3.fma(FloatVector.fromArray(SPECIES, m, a + 3 * LANES), zero);
      FloatVector b3 = q3.fma(FloatVector.fromArray(SPECIES, m, b + 3 * LANES), zero);
      out[i] = sumLanes(a0.add(a1).add(a2.add(a3)));
      out[i + 1] = sumLanes(b0.add(b1).add(b2.add(b3)));
    }
    if (i < count) {
      int a = offsets[i];
      Windows.check(m, a, n);
      FloatVector a0 = q0.fma(FloatVector.fromArray(SPECIES, m, a), zero);
      FloatVector a1 = q1.fma(FloatVector.fromArray(SPECIES, m, a + LANES), zero);
      FloatVector a2 = q2.fma(FloatVector.fromArray(SPECIES, m, a + 2 * LANES), zero);
      FloatVector a3 = q3.fma(FloatVector.fromArray(SPECIES, m, a + 3 * LANES), zero);
      out[i] = sumLanes(a0.add(a1).add(a2.add(a3)));
    }
  }

  /**
   * {@link #dotMany} for rows of 8 vectors (64 floats with AVX2, an HNSW node's vector there): the query
   * in 8 registers, one row at a time (two rows would need 16 accumulators and spill AVX2's 16
   * registers), each row summed as {@link #dot} sums it: accumulator j takes vectors j and j + 4.
   */
  private static void dotManyEightVectors(float[] q, int qOff, float[] m, int[] offsets, int count, float[] out) {
    int n = 8 * LANES;
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector q0 = FloatVector.fromArray(SPECIES, q, qOff);
    FloatVector q1 = FloatVector.fromArray(SPECIES, q, qOff + LANES);
    FloatVector q2 = FloatVector.fromArray(SPECIES, q, qOff + 2 * LANES);
    FloatVector q3 = FloatVector.fromArray(SPECIES, q, qOff + 3 * LANES);
    FloatVector q4 = FloatVector.fromArray(SPECIES, q, qOff + 4 * LANES);
    FloatVector q5 = FloatVector.fromArray(SPECIES, q, qOff + 5 * LANES);
    FloatVector q6 = FloatVector.fromArray(SPECIES, q, qOff + 6 * LANES);
    FloatVector q7 = FloatVector.fromArray(SPECIES, q, qOff + 7 * LANES);
    for (int i = 0; i < count; i++) {
      int a = offsets[i];
      Windows.check(m, a, n);
      FloatVector a0 = q0.fma(FloatVector.fromArray(SPECIES, m, a), zero);
      FloatVector a1 = q1.fma(FloatVector.fromArray(SPECIES, m, a + LANES), zero);
      FloatVector a2 = q2.fma(FloatVector.fromArray(SPECIES, m, a + 2 * LANES), zero);
      FloatVector a3 = q3.fma(FloatVector.fromArray(SPECIES, m, a + 3 * LANES), zero);
      a0 = q4.fma(FloatVector.fromArray(SPECIES, m, a + 4 * LANES), a0);
      a1 = q5.fma(FloatVector.fromArray(SPECIES, m, a + 5 * LANES), a1);
      a2 = q6.fma(FloatVector.fromArray(SPECIES, m, a + 6 * LANES), a2);
      a3 = q7.fma(FloatVector.fromArray(SPECIES, m, a + 7 * LANES), a3);
      out[i] = sumLanes(a0.add(a1).add(a2.add(a3)));
    }
  }

  /** {@link #dotManyEightVectors} for the squared distance, in the order of {@link #squaredDistance}. */
  private static void squaredDistanceManyEightVectors(float[] q, int qOff, float[] m, int[] offsets, int count,
      float[] out) {
    int n = 8 * LANES;
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector q0 = FloatVector.fromArray(SPECIES, q, qOff);
    FloatVector q1 = FloatVector.fromArray(SPECIES, q, qOff + LANES);
    FloatVector q2 = FloatVector.fromArray(SPECIES, q, qOff + 2 * LANES);
    FloatVector q3 = FloatVector.fromArray(SPECIES, q, qOff + 3 * LANES);
    FloatVector q4 = FloatVector.fromArray(SPECIES, q, qOff + 4 * LANES);
    FloatVector q5 = FloatVector.fromArray(SPECIES, q, qOff + 5 * LANES);
    FloatVector q6 = FloatVector.fromArray(SPECIES, q, qOff + 6 * LANES);
    FloatVector q7 = FloatVector.fromArray(SPECIES, q, qOff + 7 * LANES);
    for (int i = 0; i < count; i++) {
      int a = offsets[i];
      Windows.check(m, a, n);
      FloatVector d0 = q0.sub(FloatVector.fromArray(SPECIES, m, a));
      FloatVector d1 = q1.sub(FloatVector.fromArray(SPECIES, m, a + LANES));
      FloatVector d2 = q2.sub(FloatVector.fromArray(SPECIES, m, a + 2 * LANES));
      FloatVector d3 = q3.sub(FloatVector.fromArray(SPECIES, m, a + 3 * LANES));
      FloatVector a0 = d0.fma(d0, zero);
      FloatVector a1 = d1.fma(d1, zero);
      FloatVector a2 = d2.fma(d2, zero);
      FloatVector a3 = d3.fma(d3, zero);
      FloatVector d4 = q4.sub(FloatVector.fromArray(SPECIES, m, a + 4 * LANES));
      FloatVector d5 = q5.sub(FloatVector.fromArray(SPECIES, m, a + 5 * LANES));
      FloatVector d6 = q6.sub(FloatVector.fromArray(SPECIES, m, a + 6 * LANES));
      FloatVector d7 = q7.sub(FloatVector.fromArray(SPECIES, m, a + 7 * LANES));
      a0 = d4.fma(d4, a0);
      a1 = d5.fma(d5, a1);
      a2 = d6.fma(d6, a2);
      a3 = d7.fma(d7, a3);
      out[i] = sumLanes(a0.add(a1).add(a2.add(a3)));
    }
  }

  /** {@link #dotMany} for the squared distance, summed in the order of {@link #squaredDistance}. */
  @Override
  public void squaredDistanceMany(float[] q, int qOff, float[] m, int[] offsets, int count, int n, float[] out) {
    Windows.check(q, qOff, n);
    Windows.checkMany(offsets, count, out);
    if (n == 8 * LANES && LANES == 8) {
      squaredDistanceManyEightVectors(q, qOff, m, offsets, count, out);
      return;
    }
    if (n != 4 * LANES) {
      for (int i = 0; i < count; i++) {
        out[i] = squaredDistance(q, qOff, m, offsets[i], n);
      }
      return;
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector q0 = FloatVector.fromArray(SPECIES, q, qOff);
    FloatVector q1 = FloatVector.fromArray(SPECIES, q, qOff + LANES);
    FloatVector q2 = FloatVector.fromArray(SPECIES, q, qOff + 2 * LANES);
    FloatVector q3 = FloatVector.fromArray(SPECIES, q, qOff + 3 * LANES);
    for (int i = 0; i < count; i++) {
      int a = offsets[i];
      Windows.check(m, a, n);
      FloatVector d0 = q0.sub(FloatVector.fromArray(SPECIES, m, a));
      FloatVector d1 = q1.sub(FloatVector.fromArray(SPECIES, m, a + LANES));
      FloatVector d2 = q2.sub(FloatVector.fromArray(SPECIES, m, a + 2 * LANES));
      FloatVector d3 = q3.sub(FloatVector.fromArray(SPECIES, m, a + 3 * LANES));
      out[i] = sumLanes(d0.fma(d0, zero).add(d1.fma(d1, zero)).add(d2.fma(d2, zero).add(d3.fma(d3, zero))));
    }
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    Windows.check(x, xOff, n);
    Windows.check(y, yOff, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector va = FloatVector.broadcast(SPECIES, alpha);
      for (; i < bound; i += LANES) {
        FloatVector vy = FloatVector.fromArray(SPECIES, y, yOff + i);
        FloatVector.fromArray(SPECIES, x, xOff + i).fma(va, vy).intoArray(y, yOff + i);
      }
    }
    for (; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  /**
   * Output blocks of 8 vectors (AVX2) or 4 (AVX-512), 64 floats either way, stay in registers over all
   * the indexed rows.
   */
  @Override
  public void gatherRows(int[] index, float[] weights, int from, int to, float[] x, int dim, float[] y, int yOff) {
    gatherRows(index, weights, from, to, x, 0, dim, y, yOff);
  }

  @Override
  public void gatherRows(int[] index, float[] weights, int from, int to, float[] x, int xOff, int dim, float[] y,
      int yOff) {
    Windows.check(y, yOff, dim);
    if (xOff < 0) {
      throw new IndexOutOfBoundsException("xOff must be non-negative; xOff=" + xOff);
    }
    if (from < 0 || to > index.length || to > weights.length) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside index (" + index.length
          + ") or weights (" + weights.length + ")");
    }
    int c = 0;
    // 8 vectors (64 floats with AVX2) per pass where they fit: with 4 an AVX2 machine made two passes over
    // the indexed rows of a 64-float embedding, fetching each random row's cache lines twice (LightGCN's
    // propagation ran about 2x slower per epoch than with AVX-512's one pass of 4 x 16 lanes).
    for (; LANES <= 8 && c + 8 * LANES <= dim; c += 8 * LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      FloatVector acc4 = FloatVector.zero(SPECIES);
      FloatVector acc5 = FloatVector.zero(SPECIES);
      FloatVector acc6 = FloatVector.zero(SPECIES);
      FloatVector acc7 = FloatVector.zero(SPECIES);
      for (int p = from; p < to; p++) {
        FloatVector w = FloatVector.broadcast(SPECIES, weights[p]);
        int base = xOff + Math.multiplyExact(index[p], dim) + c;
        acc0 = FloatVector.fromArray(SPECIES, x, base).fma(w, acc0);
        acc1 = FloatVector.fromArray(SPECIES, x, base + LANES).fma(w, acc1);
        acc2 = FloatVector.fromArray(SPECIES, x, base + 2 * LANES).fma(w, acc2);
        acc3 = FloatVector.fromArray(SPECIES, x, base + 3 * LANES).fma(w, acc3);
        acc4 = FloatVector.fromArray(SPECIES, x, base + 4 * LANES).fma(w, acc4);
        acc5 = FloatVector.fromArray(SPECIES, x, base + 5 * LANES).fma(w, acc5);
        acc6 = FloatVector.fromArray(SPECIES, x, base + 6 * LANES).fma(w, acc6);
        acc7 = FloatVector.fromArray(SPECIES, x, base + 7 * LANES).fma(w, acc7);
      }
      acc0.intoArray(y, yOff + c);
      acc1.intoArray(y, yOff + c + LANES);
      acc2.intoArray(y, yOff + c + 2 * LANES);
      acc3.intoArray(y, yOff + c + 3 * LANES);
      acc4.intoArray(y, yOff + c + 4 * LANES);
      acc5.intoArray(y, yOff + c + 5 * LANES);
      acc6.intoArray(y, yOff + c + 6 * LANES);
      acc7.intoArray(y, yOff + c + 7 * LANES);
    }
    for (; c + 4 * LANES <= dim; c += 4 * LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int p = from; p < to; p++) {
        FloatVector w = FloatVector.broadcast(SPECIES, weights[p]);
        int base = xOff + Math.multiplyExact(index[p], dim) + c;
        acc0 = FloatVector.fromArray(SPECIES, x, base).fma(w, acc0);
        acc1 = FloatVector.fromArray(SPECIES, x, base + LANES).fma(w, acc1);
        acc2 = FloatVector.fromArray(SPECIES, x, base + 2 * LANES).fma(w, acc2);
        acc3 = FloatVector.fromArray(SPECIES, x, base + 3 * LANES).fma(w, acc3);
      }
      acc0.intoArray(y, yOff + c);
      acc1.intoArray(y, yOff + c + LANES);
      acc2.intoArray(y, yOff + c + 2 * LANES);
      acc3.intoArray(y, yOff + c + 3 * LANES);
    }
    for (; c + LANES <= dim; c += LANES) {
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int p = from; p < to; p++) {
        acc = FloatVector.fromArray(SPECIES, x, xOff + Math.multiplyExact(index[p], dim) + c)
            .fma(FloatVector.broadcast(SPECIES, weights[p]), acc);
      }
      acc.intoArray(y, yOff + c);
    }
    for (; c < dim; c++) {
      float sum = 0f;
      for (int p = from; p < to; p++) {
        sum += weights[p] * x[xOff + Math.multiplyExact(index[p], dim) + c];
      }
      y[yOff + c] = sum;
    }
  }

  /**
   * {@link Tanh}'s rational approximation on whole vectors (about 0.6 ns a float, as fast as the JDK's
   * SVML {@code TANH}, which is not used: its results differ from {@code Math.tanh}, the interpreter's
   * fallback, so they would change once the caller is compiled); the same operations in the same order
   * as the scalar twin, so both give the same bits.
   */
  @Override
  public void tanh(float[] x, int off, int n) {
    Windows.check(x, off, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += LANES) {
      FloatVector v = FloatVector.fromArray(SPECIES, x, off + i);
      FloatVector c = v.max(-Tanh.CLAMP).min(Tanh.CLAMP);
      FloatVector c2 = c.mul(c);
      FloatVector p = c2.fma(Tanh.A13, Tanh.A11);
      p = p.fma(c2, FloatVector.broadcast(SPECIES, Tanh.A9));
      p = p.fma(c2, FloatVector.broadcast(SPECIES, Tanh.A7));
      p = p.fma(c2, FloatVector.broadcast(SPECIES, Tanh.A5));
      p = p.fma(c2, FloatVector.broadcast(SPECIES, Tanh.A3));
      p = p.fma(c2, FloatVector.broadcast(SPECIES, Tanh.A1));
      p = p.mul(c);
      FloatVector q = c2.fma(Tanh.B6, Tanh.B4);
      q = q.fma(c2, FloatVector.broadcast(SPECIES, Tanh.B2));
      q = q.fma(c2, FloatVector.broadcast(SPECIES, Tanh.B0));
      p.div(q).blend(v, v.abs().lt(Tanh.TINY)).intoArray(x, off + i);
    }
    for (; i < n; i++) {
      x[off + i] = Tanh.of(x[off + i]);
    }
  }

  @Override
  public void scale(float alpha, float[] x, int off, int n) {
    Windows.check(x, off, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector va = FloatVector.broadcast(SPECIES, alpha);
      for (; i < bound; i += LANES) {
        FloatVector.fromArray(SPECIES, x, off + i).mul(va).intoArray(x, off + i);
      }
    }
    for (; i < n; i++) {
      x[off + i] *= alpha;
    }
  }

  @Override
  public float sumOfSquares(float[] x, int off, int n) {
    Windows.check(x, off, n);
    return dotUnchecked(x, off, x, off, n);
  }

  @Override
  public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n) {
    Windows.check(a, aOff, n);
    Windows.check(b, bOff, n);
    int i = 0;
    float sum = 0f;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int bound4 = n - n % (4 * LANES); i < bound4; i += 4 * LANES) {
        FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOff + i).sub(FloatVector.fromArray(SPECIES, b, bOff + i));
        FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOff + i + LANES)
            .sub(FloatVector.fromArray(SPECIES, b, bOff + i + LANES));
        FloatVector d2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * LANES)
            .sub(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * LANES));
        FloatVector d3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * LANES)
            .sub(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * LANES));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
        acc2 = d2.fma(d2, acc2);
        acc3 = d3.fma(d3, acc3);
      }
      for (; i < bound; i += LANES) {
        FloatVector d = FloatVector.fromArray(SPECIES, a, aOff + i).sub(FloatVector.fromArray(SPECIES, b, bOff + i));
        acc0 = d.fma(d, acc0);
      }
      sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    }
    for (; i < n; i++) {
      float d = a[aOff + i] - b[bOff + i];
      sum += d * d;
    }
    return sum;
  }

  /**
   * Four rows at a time share each load of the query, so the loop does 5 loads per 4 FMAs instead
   * of 2 per 1; one cross-lane reduction per row remains (the matrix is not transposed).
   */
  @Override
  public void dotRows(float[] query, int qOff, float[] matrix, int mOff, int rows, int dim, float[] out, int outOff) {
    Windows.checkRows(query, qOff, matrix, mOff, rows, dim, out, outOff);
    int bound = SPECIES.loopBound(dim);
    int r = 0;
    if (bound > 0) {
      for (; r + 4 <= rows; r += 4) {
        int r0 = mOff + r * dim;
        int r1 = r0 + dim;
        int r2 = r1 + dim;
        int r3 = r2 + dim;
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES);
        FloatVector s2 = FloatVector.zero(SPECIES);
        FloatVector s3 = FloatVector.zero(SPECIES);
        int p = 0;
        for (; p < bound; p += LANES) {
          FloatVector q = FloatVector.fromArray(SPECIES, query, qOff + p);
          s0 = FloatVector.fromArray(SPECIES, matrix, r0 + p).fma(q, s0);
          s1 = FloatVector.fromArray(SPECIES, matrix, r1 + p).fma(q, s1);
          s2 = FloatVector.fromArray(SPECIES, matrix, r2 + p).fma(q, s2);
          s3 = FloatVector.fromArray(SPECIES, matrix, r3 + p).fma(q, s3);
        }
        float d0 = sumLanes(s0);
        float d1 = sumLanes(s1);
        float d2 = sumLanes(s2);
        float d3 = sumLanes(s3);
        for (; p < dim; p++) {
          float qp = query[qOff + p];
          d0 += matrix[r0 + p] * qp;
          d1 += matrix[r1 + p] * qp;
          d2 += matrix[r2 + p] * qp;
          d3 += matrix[r3 + p] * qp;
        }
        out[outOff + r] = d0;
        out[outOff + r + 1] = d1;
        out[outOff + r + 2] = d2;
        out[outOff + r + 3] = d3;
      }
    }
    // At most 3 leftover rows: scalar, because vector code that runs once per call may never get
    // compiled by C2, and interpreted or C1 Vector API code boxes every vector (slow and allocating).
    for (; r < rows; r++) {
      int row = mOff + r * dim;
      float d = 0f;
      for (int p = 0; p < dim; p++) {
        d += query[qOff + p] * matrix[row + p];
      }
      out[outOff + r] = d;
    }
  }

  /**
   * {@code C += A·Bᵀ} on the packed driver {@link #gemmPacked}: A's rows are contiguous (A(i,p) at
   * {@code i*k + p}), B's rows too (B̂(p,j) = B(j,p) at {@code j*k + p}).
   */
  @Override
  public void gemm(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemm(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    gemmPacked(a, aOff, k, 1, m, b, bOff, 1, k, n, k, c, cOff, ldc);
  }

  @Override
  public void gemmNN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemmNN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    gemmPacked(a, aOff, k, 1, m, b, bOff, n, 1, n, k, c, cOff, ldc);
  }

  @Override
  public void gemmTN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemmTN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    gemmPacked(a, aOff, 1, m, m, b, bOff, n, 1, n, k, c, cOff, ldc);
  }

  /**
   * {@code C(m x n) += Â(m x k) · B̂(k x n)} with Â(i,p) = {@code a[aOff + i*ars + p*acs]} and B̂(p,j) =
   * {@code b[bOff + p*brs + j*bcs]}: every GEMM layout is this loop with other strides. The
   * BLIS/GotoBLAS way (Goto and van de Geijn, ACM TOMS 2008; Van Zee and van de Geijn, ACM TOMS
   * 2015): for each block of NC columns and KC steps of k, B̂ is packed into micro-panels of NR
   * columns laid out p-major ({@code kc x NR}, reused by every row block that passes over it), and for each block of MC rows Â is packed into
   * micro-panels of MR rows, p-major, so the micro-kernel reads both operands with unit stride
   * whatever the caller's layout. Edges are packed as zeros and their results dropped, so one
   * micro-kernel covers every tile. Packing costs O(k (m + n)) against O(m n k) multiply-adds.
   */
  private static void gemmPacked(float[] a, int aOff, int ars, int acs, int m, float[] b, int bOff, int brs, int bcs, int n, int k,
      float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    float[][] buffers = BUFFERS.get();
    float[] ap = buffers[0];
    float[] bp = buffers[1];
    float[] tile = buffers[2];
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      int groups = (nc + NR - 1) / NR;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        packB(b, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, bp);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          packA(a, aOff + ic * ars + pc * acs, ars, acs, mc, kc, ap);
          int blocks = (mc + MR - 1) / MR;
          for (int g = 0; g < groups; g++) {
            int cols = Math.min(NR, nc - g * NR);
            int bBase = g * kc * NR;
            for (int r = 0; r < blocks; r++) {
              int rows = Math.min(MR, mc - r * MR);
              int c0 = cOff + (ic + r * MR) * ldc + jc + g * NR;
              if (MR == 8) {
                microKernel8(ap, r * kc * MR, bp, bBase, kc, c, c0, ldc, rows, cols, tile);
              } else {
                microKernel4(ap, r * kc * MR, bp, bBase, kc, c, c0, ldc, rows, cols, tile);
              }
            }
          }
        }
      }
    }
  }

  /** B̂(p, j) for p in [0, kc), j in [0, nc) into p-major micro-panels of NR columns, zero-padded. */
  private static void packB(float[] b, int base, int brs, int bcs, int kc, int nc, float[] bp) {
    int groups = (nc + NR - 1) / NR;
    for (int g = 0; g < groups; g++) {
      int dst = g * kc * NR;
      int cols = Math.min(NR, nc - g * NR);
      if (bcs == 1) {
        for (int p = 0; p < kc; p++) {
          int at = dst + p * NR;
          System.arraycopy(b, base + p * brs + g * NR, bp, at, cols);
          for (int jj = cols; jj < NR; jj++) {
            bp[at + jj] = 0f;
          }
        }
      } else {
        for (int jj = 0; jj < NR; jj++) {
          if (jj < cols) {
            int src = base + (g * NR + jj) * bcs;
            for (int p = 0; p < kc; p++) {
              bp[dst + p * NR + jj] = b[src + p * brs];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              bp[dst + p * NR + jj] = 0f;
            }
          }
        }
      }
    }
  }

  /** Â(i, p) for i in [0, mc), p in [0, kc) into p-major micro-panels of MR rows, zero-padded. */
  private static void packA(float[] a, int base, int ars, int acs, int mc, int kc, float[] ap) {
    int blocks = (mc + MR - 1) / MR;
    for (int r = 0; r < blocks; r++) {
      int dst = r * kc * MR;
      int rows = Math.min(MR, mc - r * MR);
      if (ars == 1) {
        for (int p = 0; p < kc; p++) {
          int at = dst + p * MR;
          int src = base + p * acs + r * MR;
          for (int ii = 0; ii < rows; ii++) { // a loop, not arraycopy: the call costs more than 8 floats
            ap[at + ii] = a[src + ii];
          }
          for (int ii = rows; ii < MR; ii++) {
            ap[at + ii] = 0f;
          }
        }
      } else {
        for (int ii = 0; ii < MR; ii++) {
          if (ii < rows) {
            int src = base + (r * MR + ii) * ars;
            for (int p = 0; p < kc; p++) {
              ap[dst + p * MR + ii] = a[src + p * acs];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              ap[dst + p * MR + ii] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * An 8 x NR tile of C in 16 vector registers (AVX-512 has 32): per step p, 2 loads of B, 8
   * broadcasts of A and 16 FMAs. Stores are written out here, not in helpers: a vector passed to a
   * call that C2 does not inline must be boxed, and that can force boxing inside the hot loop too.
   */
  private static void microKernel8(float[] ap, int aBase, float[] bp, int bBase, int kc, float[] c, int c0, int ldc, int rows,
      int cols, float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = FloatVector.zero(SPECIES);
    FloatVector c10 = FloatVector.zero(SPECIES);
    FloatVector c11 = FloatVector.zero(SPECIES);
    FloatVector c20 = FloatVector.zero(SPECIES);
    FloatVector c21 = FloatVector.zero(SPECIES);
    FloatVector c30 = FloatVector.zero(SPECIES);
    FloatVector c31 = FloatVector.zero(SPECIES);
    FloatVector c40 = FloatVector.zero(SPECIES);
    FloatVector c41 = FloatVector.zero(SPECIES);
    FloatVector c50 = FloatVector.zero(SPECIES);
    FloatVector c51 = FloatVector.zero(SPECIES);
    FloatVector c60 = FloatVector.zero(SPECIES);
    FloatVector c61 = FloatVector.zero(SPECIES);
    FloatVector c70 = FloatVector.zero(SPECIES);
    FloatVector c71 = FloatVector.zero(SPECIES);
    for (int p = 0, ai = aBase, bi = bBase; p < kc; p++, ai += 8, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(SPECIES, ap[ai + 4]);
      c40 = b0.fma(x, c40);
      c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(SPECIES, ap[ai + 5]);
      c50 = b0.fma(x, c50);
      c51 = b1.fma(x, c51);
      x = FloatVector.broadcast(SPECIES, ap[ai + 6]);
      c60 = b0.fma(x, c60);
      c61 = b1.fma(x, c61);
      x = FloatVector.broadcast(SPECIES, ap[ai + 7]);
      c70 = b0.fma(x, c70);
      c71 = b1.fma(x, c71);
    }
    if (rows == 8 && cols == NR) {
      int r = c0;
      FloatVector.fromArray(SPECIES, c, r).add(c00).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c01).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c10).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c11).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c20).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c21).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c30).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c31).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c40).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c41).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c50).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c51).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c60).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c61).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c70).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c71).intoArray(c, r + LANES);
    } else {
      c00.intoArray(tile, 0);
      c01.intoArray(tile, LANES);
      c10.intoArray(tile, NR);
      c11.intoArray(tile, NR + LANES);
      c20.intoArray(tile, 2 * NR);
      c21.intoArray(tile, 2 * NR + LANES);
      c30.intoArray(tile, 3 * NR);
      c31.intoArray(tile, 3 * NR + LANES);
      c40.intoArray(tile, 4 * NR);
      c41.intoArray(tile, 4 * NR + LANES);
      c50.intoArray(tile, 5 * NR);
      c51.intoArray(tile, 5 * NR + LANES);
      c60.intoArray(tile, 6 * NR);
      c61.intoArray(tile, 6 * NR + LANES);
      c70.intoArray(tile, 7 * NR);
      c71.intoArray(tile, 7 * NR + LANES);
      addTile(c, c0, ldc, tile, rows, cols);
    }
  }

  /** The 4 x NR tile for 256-bit vectors (AVX2 has 16 registers: 8 accumulators, 2 of B, 1 broadcast). */
  private static void microKernel4(float[] ap, int aBase, float[] bp, int bBase, int kc, float[] c, int c0, int ldc, int rows,
      int cols, float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = FloatVector.zero(SPECIES);
    FloatVector c10 = FloatVector.zero(SPECIES);
    FloatVector c11 = FloatVector.zero(SPECIES);
    FloatVector c20 = FloatVector.zero(SPECIES);
    FloatVector c21 = FloatVector.zero(SPECIES);
    FloatVector c30 = FloatVector.zero(SPECIES);
    FloatVector c31 = FloatVector.zero(SPECIES);
    for (int p = 0, ai = aBase, bi = bBase; p < kc; p++, ai += 4, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
    }
    if (rows == 4 && cols == NR) {
      int r = c0;
      FloatVector.fromArray(SPECIES, c, r).add(c00).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c01).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c10).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c11).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c20).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c21).intoArray(c, r + LANES);
      r += ldc;
      FloatVector.fromArray(SPECIES, c, r).add(c30).intoArray(c, r);
      FloatVector.fromArray(SPECIES, c, r + LANES).add(c31).intoArray(c, r + LANES);
    } else {
      c00.intoArray(tile, 0);
      c01.intoArray(tile, LANES);
      c10.intoArray(tile, NR);
      c11.intoArray(tile, NR + LANES);
      c20.intoArray(tile, 2 * NR);
      c21.intoArray(tile, 2 * NR + LANES);
      c30.intoArray(tile, 3 * NR);
      c31.intoArray(tile, 3 * NR + LANES);
      addTile(c, c0, ldc, tile, rows, cols);
    }
  }

  /** Edge of C: the tile was spilled to {@code tile} (MR x NR); add only the rows and columns that exist. */
  private static void addTile(float[] c, int c0, int ldc, float[] tile, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      int at = c0 + i * ldc;
      int t = i * NR;
      for (int j = 0; j < cols; j++) {
        c[at + j] += tile[t + j];
      }
    }
  }

  @Override
  public void adamStep(float alpha, float[] grad, int gOff, float decay, float[] w, int wOff, float[] moments, int mOff, int vOff,
      float beta1, float beta2, float lr, float c1, float c2, float eps, int n) {
    Windows.check(grad, gOff, n);
    Windows.check(w, wOff, n);
    Windows.check(moments, mOff, n);
    Windows.check(moments, vOff, n);
    int k = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector va = FloatVector.broadcast(SPECIES, alpha);
      FloatVector vd = FloatVector.broadcast(SPECIES, decay);
      FloatVector vb1 = FloatVector.broadcast(SPECIES, beta1);
      FloatVector vb2 = FloatVector.broadcast(SPECIES, beta2);
      FloatVector v1b1 = FloatVector.broadcast(SPECIES, 1 - beta1);
      FloatVector v1b2 = FloatVector.broadcast(SPECIES, 1 - beta2);
      FloatVector vlr = FloatVector.broadcast(SPECIES, lr);
      FloatVector vc1 = FloatVector.broadcast(SPECIES, c1);
      FloatVector vc2 = FloatVector.broadcast(SPECIES, c2);
      FloatVector veps = FloatVector.broadcast(SPECIES, eps);
      for (; k < bound; k += LANES) {
        FloatVector wk = FloatVector.fromArray(SPECIES, w, wOff + k);
        FloatVector g = FloatVector.fromArray(SPECIES, grad, gOff + k).mul(va).add(wk.mul(vd));
        FloatVector mk = FloatVector.fromArray(SPECIES, moments, mOff + k).mul(vb1).add(g.mul(v1b1));
        FloatVector vk = FloatVector.fromArray(SPECIES, moments, vOff + k).mul(vb2).add(g.mul(g).mul(v1b2));
        mk.intoArray(moments, mOff + k);
        vk.intoArray(moments, vOff + k);
        wk.sub(vlr.mul(mk.mul(vc1)).div(vk.mul(vc2).sqrt().add(veps))).intoArray(w, wOff + k);
      }
    }
    for (; k < n; k++) {
      float wk = w[wOff + k];
      float g = alpha * grad[gOff + k] + decay * wk;
      float mk = beta1 * moments[mOff + k] + (1 - beta1) * g;
      float vk = beta2 * moments[vOff + k] + (1 - beta2) * g * g;
      moments[mOff + k] = mk;
      moments[vOff + k] = vk;
      w[wOff + k] = wk - lr * (mk * c1) / ((float) Math.sqrt(vk * c2) + eps);
    }
  }

  @Override
  public void adamDecaySteps(float[] w, int wOff, float[] moments, int mOff, int vOff, float decay, float beta1,
      float beta2, float lr, float[] c1, float[] c2, int fromStep, int steps, float eps, int n) {
    Windows.check(w, wOff, n);
    Windows.check(moments, mOff, n);
    Windows.check(moments, vOff, n);
    int end = fromStep + steps;
    int k = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector vd = FloatVector.broadcast(SPECIES, decay);
      FloatVector vb1 = FloatVector.broadcast(SPECIES, beta1);
      FloatVector vb2 = FloatVector.broadcast(SPECIES, beta2);
      FloatVector v1b1 = FloatVector.broadcast(SPECIES, 1 - beta1);
      FloatVector v1b2 = FloatVector.broadcast(SPECIES, 1 - beta2);
      FloatVector veps = FloatVector.broadcast(SPECIES, eps);
      // Four lane blocks at a time: each step is a dependent chain through sqrt and div (tens of cycles
      // of latency), so independent blocks in flight keep the units busy.
      for (; k + 4 * LANES <= bound; k += 4 * LANES) {
        FloatVector w0 = FloatVector.fromArray(SPECIES, w, wOff + k);
        FloatVector w1 = FloatVector.fromArray(SPECIES, w, wOff + k + LANES);
        FloatVector w2 = FloatVector.fromArray(SPECIES, w, wOff + k + 2 * LANES);
        FloatVector w3 = FloatVector.fromArray(SPECIES, w, wOff + k + 3 * LANES);
        FloatVector m0 = FloatVector.fromArray(SPECIES, moments, mOff + k);
        FloatVector m1 = FloatVector.fromArray(SPECIES, moments, mOff + k + LANES);
        FloatVector m2 = FloatVector.fromArray(SPECIES, moments, mOff + k + 2 * LANES);
        FloatVector m3 = FloatVector.fromArray(SPECIES, moments, mOff + k + 3 * LANES);
        FloatVector v0 = FloatVector.fromArray(SPECIES, moments, vOff + k);
        FloatVector v1 = FloatVector.fromArray(SPECIES, moments, vOff + k + LANES);
        FloatVector v2 = FloatVector.fromArray(SPECIES, moments, vOff + k + 2 * LANES);
        FloatVector v3 = FloatVector.fromArray(SPECIES, moments, vOff + k + 3 * LANES);
        for (int s = fromStep; s < end; s++) {
          float a = s < c1.length ? c1[s] : 1f;
          float b = s < c2.length ? c2[s] : 1f;
          float la = lr * a;
          FloatVector g0 = w0.mul(vd);
          FloatVector g1 = w1.mul(vd);
          FloatVector g2 = w2.mul(vd);
          FloatVector g3 = w3.mul(vd);
          m0 = m0.mul(vb1).add(g0.mul(v1b1));
          m1 = m1.mul(vb1).add(g1.mul(v1b1));
          m2 = m2.mul(vb1).add(g2.mul(v1b1));
          m3 = m3.mul(vb1).add(g3.mul(v1b1));
          v0 = v0.mul(vb2).add(g0.mul(g0).mul(v1b2));
          v1 = v1.mul(vb2).add(g1.mul(g1).mul(v1b2));
          v2 = v2.mul(vb2).add(g2.mul(g2).mul(v1b2));
          v3 = v3.mul(vb2).add(g3.mul(g3).mul(v1b2));
          w0 = w0.sub(m0.mul(la).div(v0.mul(b).sqrt().add(veps)));
          w1 = w1.sub(m1.mul(la).div(v1.mul(b).sqrt().add(veps)));
          w2 = w2.sub(m2.mul(la).div(v2.mul(b).sqrt().add(veps)));
          w3 = w3.sub(m3.mul(la).div(v3.mul(b).sqrt().add(veps)));
        }
        w0.intoArray(w, wOff + k);
        w1.intoArray(w, wOff + k + LANES);
        w2.intoArray(w, wOff + k + 2 * LANES);
        w3.intoArray(w, wOff + k + 3 * LANES);
        m0.intoArray(moments, mOff + k);
        m1.intoArray(moments, mOff + k + LANES);
        m2.intoArray(moments, mOff + k + 2 * LANES);
        m3.intoArray(moments, mOff + k + 3 * LANES);
        v0.intoArray(moments, vOff + k);
        v1.intoArray(moments, vOff + k + LANES);
        v2.intoArray(moments, vOff + k + 2 * LANES);
        v3.intoArray(moments, vOff + k + 3 * LANES);
      }
      for (; k < bound; k += LANES) {
        FloatVector wk = FloatVector.fromArray(SPECIES, w, wOff + k);
        FloatVector mk = FloatVector.fromArray(SPECIES, moments, mOff + k);
        FloatVector vk = FloatVector.fromArray(SPECIES, moments, vOff + k);
        for (int s = fromStep; s < end; s++) {
          float a = s < c1.length ? c1[s] : 1f;
          float b = s < c2.length ? c2[s] : 1f;
          FloatVector g = wk.mul(vd);
          mk = mk.mul(vb1).add(g.mul(v1b1));
          vk = vk.mul(vb2).add(g.mul(g).mul(v1b2));
          wk = wk.sub(mk.mul(lr * a).div(vk.mul(b).sqrt().add(veps)));
        }
        wk.intoArray(w, wOff + k);
        mk.intoArray(moments, mOff + k);
        vk.intoArray(moments, vOff + k);
      }
    }
    for (; k < n; k++) {
      float wk = w[wOff + k];
      float mk = moments[mOff + k];
      float vk = moments[vOff + k];
      for (int s = fromStep; s < end; s++) {
        float a = s < c1.length ? c1[s] : 1f;
        float b = s < c2.length ? c2[s] : 1f;
        float g = decay * wk;
        mk = beta1 * mk + (1 - beta1) * g;
        vk = beta2 * vk + (1 - beta2) * g * g;
        wk = wk - lr * (mk * a) / ((float) Math.sqrt(vk * b) + eps);
      }
      w[wOff + k] = wk;
      moments[mOff + k] = mk;
      moments[vOff + k] = vk;
    }
  }

  @Override
  public void reluBackward(float[] z, int zOff, float[] dy, int dyOff, float[] dz, int dzOff, int n) {
    Windows.check(z, zOff, n);
    Windows.check(dy, dyOff, n);
    Windows.check(dz, dzOff, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector zero = FloatVector.zero(SPECIES);
      for (; i < bound; i += LANES) {
        VectorMask<Float> positive = FloatVector.fromArray(SPECIES, z, zOff + i).compare(VectorOperators.GT, 0f);
        zero.blend(FloatVector.fromArray(SPECIES, dy, dyOff + i), positive).intoArray(dz, dzOff + i);
      }
    }
    for (; i < n; i++) {
      dz[dzOff + i] = z[zOff + i] > 0f ? dy[dyOff + i] : 0f;
    }
  }

  @Override
  public void adagradStep(float alpha, float[] x, int xOff, float decay, float[] w, int wOff, float[] acc, int accOff,
      float lr, float eps, int n) {
    Windows.check(x, xOff, n);
    Windows.check(w, wOff, n);
    Windows.check(acc, accOff, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector va = FloatVector.broadcast(SPECIES, alpha);
      FloatVector vd = FloatVector.broadcast(SPECIES, decay);
      FloatVector vlr = FloatVector.broadcast(SPECIES, lr);
      FloatVector veps = FloatVector.broadcast(SPECIES, eps);
      for (; i < bound; i += LANES) {
        FloatVector vw = FloatVector.fromArray(SPECIES, w, wOff + i);
        FloatVector g = FloatVector.fromArray(SPECIES, x, xOff + i).fma(va, vw.mul(vd));
        FloatVector a = g.fma(g, FloatVector.fromArray(SPECIES, acc, accOff + i));
        a.intoArray(acc, accOff + i);
        vw.sub(vlr.mul(g).div(a.sqrt().add(veps))).intoArray(w, wOff + i);
      }
    }
    for (; i < n; i++) {
      float wi = w[wOff + i];
      float g = alpha * x[xOff + i] + decay * wi;
      float a = acc[accOff + i] + g * g;
      acc[accOff + i] = a;
      w[wOff + i] = wi - lr * g / ((float) Math.sqrt(a) + eps);
    }
  }
}
