package dev.funnel.recall.item2vec;

import dev.funnel.data.Interactions;
import dev.funnel.data.ItemFeatures;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.Logistic;
import dev.funnel.train.runtime.Hogwild;
import dev.funnel.train.runtime.TrainingSchedule;
import dev.funnel.train.sample.AliasItemSampler;
import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Item embeddings from the skip-gram with negative sampling (Mikolov et al., NeurIPS 2013) over
 * users' item sequences — Item2Vec (Barkan &amp; Koenigstein, 2016) — and/or over weighted random
 * walks on the item co-occurrence graph — DeepWalk / EGES (Wang et al., KDD 2018), whose side
 * information layer ({@link SideInformation}) gives items with features but no interactions a vector.
 *
 * <p>For each centre item c and each context item o within a (word2vec-style randomly shrunk) window:
 *
 * <pre>
 *   maximise  log sigma(h_c . v'_o) + sum over k negatives n of log sigma(-h_c . v'_n)
 * </pre>
 *
 * with negatives from the unigram^0.75 distribution over item frequencies, plain SGD whose step
 * decays linearly over the run (word2vec), Hogwild-parallel over sentences. {@code h_c} is the
 * centre's input vector (EGES: the attention-weighted mean of its id and side-information vectors).
 *
 * <p>Recall ({@link Item2VecModel}): similar items by cosine of input vectors; a user is scored from
 * their whole history, either as the skip-gram's own prediction {@code sum_h input(h) . output(i)}
 * or as the mean cosine; both are inner products, so an ANN index serves them.
 */
public final class Item2Vec implements RecallAlgorithm<Item2VecConfig> {
  public static final String NAME = "item2vec";
  /** Sentences per unit of parallel work. */
  private static final int BATCH = 16;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "item2vec / EGES: skip-gram with negative sampling over item sequences and co-occurrence walks";
  }

  @Override
  public Item2VecConfig defaultConfig() {
    return Item2VecConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, Item2VecConfig config, TrainContext context) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int dim = config.dim();
    WorkerRandom init = new WorkerRandom(context.seed());
    float[] in = new float[numItems * dim];
    for (int p = 0; p < in.length; p++) {
      in[p] = (float) ((init.nextDouble() * 2 - 1) * config.initStd());
    }
    float[] out = new float[numItems * dim];
    ItemFeatures features = context.itemFeatures();
    SideInformation side = config.sideInformation() && features != null && !features.fields().isEmpty()
        ? SideInformation.init(features, dim, config.initStd(), init) : null;

    boolean sequences = config.corpus() != Item2VecConfig.Corpus.WALKS;
    boolean walks = config.corpus() != Item2VecConfig.Corpus.SEQUENCES;
    int[][] userSequences = sequences ? userSequences(train, config.ordered()) : new int[0][];
    WalkGraph graph = walks ? WalkGraph.build(train, config.graphNeighbors(), context) : null;
    int[] walkStarts = walks ? walkStarts(graph) : new int[0];
    long walkSentences = (long) walkStarts.length * config.walksPerItem();
    long sentences = userSequences.length + walkSentences;
    if (sentences > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("item2vec corpus too large: " + sentences + " sentences; lower walksPerItem="
          + config.walksPerItem());
    }
    int[] order = permutation((int) sentences, init);

    double[] frequency = new double[numItems];
    for (int i = 0; i < numItems; i++) {
      frequency[i] = train.itemDegree(i);
    }
    double[] weights = new double[numItems];
    for (int i = 0; i < numItems; i++) {
      weights[i] = Math.pow(frequency[i], config.negativePower());
    }
    if (Arrays.stream(weights).sum() == 0) {
      return model(config, train, dim, in, out, side, context.threads()); // nothing to learn from
    }
    AliasItemSampler negativeSampler = AliasItemSampler.fromWeights(weights);
    float[] keep = keepProbabilities(frequency, train.nnz(), config.subsample());

    int maxLength = config.walkLength();
    for (int[] s : userSequences) {
      maxLength = Math.max(maxLength, s.length);
    }
    int bufferLength = maxLength;
    int threads = config.threads() == 0 ? context.threads() : config.threads();
    TrainingSchedule schedule = TrainingSchedule.of(config.epochs(), sentences, BATCH, threads, context.seed());
    double total = (double) config.epochs() * sentences;
    double lr0 = config.learningRate();
    int window = config.window();
    int negatives = config.negatives();
    int walkLength = config.walkLength();
    int numSequences = userSequences.length;
    int fields = side == null ? 0 : side.fields();
    VectorKernels k = Kernels.get();
    Hogwild.train(schedule, (workerId, random) -> {
      int[] buffer = new int[bufferLength];
      float[] h = new float[dim];
      float[] dh = new float[dim];
      float[] alpha = new float[fields + 1];
      float[] scratch = new float[dim];
      return (epoch, batch, from, to) -> {
        double loss = 0;
        for (long e = from; e < to; e++) {
          float lr = (float) Math.max(lr0 * 1e-4, lr0 * (1 - (epoch * (double) sentences + e) / total));
          int s = order[(int) e];
          int n;
          if (s < numSequences) {
            int[] seq = userSequences[s];
            n = seq.length;
            System.arraycopy(seq, 0, buffer, 0, n);
            if (!config.ordered()) {
              shuffle(buffer, n, random);
            }
          } else {
            n = graph.walk(walkStarts[(s - numSequences) % walkStarts.length], walkLength, random, buffer);
          }
          n = subsample(buffer, n, keep, random);
          for (int pos = 0; pos < n; pos++) {
            int centre = buffer[pos];
            int shrink = random.nextInt(window);
            int lo = Math.max(0, pos - window + shrink);
            int hi = Math.min(n - 1, pos + window - shrink);
            for (int c = lo; c <= hi; c++) {
              int neighbour = buffer[c];
              if (c == pos || neighbour == centre) {
                continue;
              }
              float[] input;
              int inOff;
              if (side != null) {
                side.forward(centre, in, h, alpha);
                input = h;
                inOff = 0;
              } else {
                input = in;
                inOff = centre * dim;
              }
              Arrays.fill(dh, 0f);
              for (int t = 0; t <= negatives; t++) {
                int target = t == 0 ? neighbour : negativeSampler.sample(random);
                if (t > 0 && target == neighbour) {
                  continue;
                }
                int outOff = target * dim;
                float f = k.dot(input, inOff, out, outOff, dim);
                float g = (float) (((t == 0 ? 1 : 0) - Logistic.sigmoid(f)) * lr);
                loss += t == 0 ? Logistic.softplus(-f) : Logistic.softplus(f);
                k.axpy(g, out, outOff, dh, 0, dim);
                k.axpy(g, input, inOff, out, outOff, dim);
              }
              if (side != null) {
                side.backward(centre, in, h, alpha, dh, scratch);
              } else {
                k.axpy(1f, dh, 0, in, centre * dim, dim);
              }
            }
          }
        }
        return loss;
      };
    }, null, context.progress());
    return model(config, train, dim, in, out, side, threads);
  }

  /** Final item vectors: trained items as learned (EGES: through the attention layer); unseen items from
   * their side information when they have some, else zero (nothing was learned about them). */
  private static Item2VecModel model(Item2VecConfig config, Interactions train, int dim, float[] in,
      float[] out, SideInformation side, int threads) {
    int numItems = train.numItems();
    float[] vectors = new float[numItems * dim];
    float[] h = new float[dim];
    float[] alpha = new float[side == null ? 1 : side.fields() + 1];
    for (int i = 0; i < numItems; i++) {
      if (train.itemDegree(i) > 0) {
        if (side != null) {
          side.forward(i, in, h, alpha);
          System.arraycopy(h, 0, vectors, i * dim, dim);
        } else {
          System.arraycopy(in, i * dim, vectors, i * dim, dim);
        }
      } else if (side != null && side.coldVector(i, h)) {
        System.arraycopy(h, 0, vectors, i * dim, dim);
      }
    }
    return new Item2VecModel(config, train, dim, vectors, out, side, threads);
  }

  /** Each user's items; in time order when asked and the data has times (ties keep id order). */
  static int[][] userSequences(Interactions train, boolean ordered) {
    int[] ptr = train.userPtr();
    int[] items = train.userItems();
    long[] times = train.userTimes();
    int active = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      if (ptr[u + 1] - ptr[u] >= 2) {
        active++;
      }
    }
    int[][] out = new int[active][];
    int n = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      int from = ptr[u];
      int len = ptr[u + 1] - from;
      if (len < 2) {
        continue; // a single item has no context
      }
      int[] seq = Arrays.copyOfRange(items, from, from + len);
      if (ordered && times != null) {
        Integer[] idx = new Integer[len];
        for (int p = 0; p < len; p++) {
          idx[p] = p;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(times[from + a], times[from + b]));
        for (int p = 0; p < len; p++) {
          seq[p] = items[from + idx[p]];
        }
      }
      out[n++] = seq;
    }
    return out;
  }

  /** The items a walk can leave (at least one edge). */
  private static int[] walkStarts(WalkGraph graph) {
    return java.util.stream.IntStream.range(0, graph.numItems()).filter(i -> graph.degree(i) > 0).toArray();
  }

  /** word2vec's subsampling: keep item i with probability (sqrt(f/t) + 1) t/f, f its share of all occurrences. */
  static float[] keepProbabilities(double[] frequency, long total, double t) {
    float[] keep = new float[frequency.length];
    for (int i = 0; i < keep.length; i++) {
      double f = total == 0 ? 0 : frequency[i] / total;
      keep[i] = t == 0 || f == 0 ? 1f : (float) Math.min(1.0, (Math.sqrt(f / t) + 1) * t / f);
    }
    return keep;
  }

  private static int subsample(int[] buffer, int n, float[] keep, WorkerRandom random) {
    int m = 0;
    for (int p = 0; p < n; p++) {
      int item = buffer[p];
      if (keep[item] >= 1f || random.nextFloat() < keep[item]) {
        buffer[m++] = item;
      }
    }
    return m;
  }

  private static void shuffle(int[] a, int n, WorkerRandom random) {
    for (int p = n - 1; p > 0; p--) {
      int q = random.nextInt(p + 1);
      int t = a[p];
      a[p] = a[q];
      a[q] = t;
    }
  }

  private static int[] permutation(int n, WorkerRandom random) {
    int[] order = new int[n];
    for (int p = 0; p < n; p++) {
      order[p] = p;
    }
    shuffle(order, n, random);
    return order;
  }

  @Override
  public RecallModel read(DataInput in, Item2VecConfig config, Interactions train) throws IOException {
    int dim = in.readInt();
    float[] input = BinaryIO.readFloats(in);
    float[] output = BinaryIO.readFloats(in);
    long expected = (long) train.numItems() * dim;
    if (dim != config.dim() || input.length != expected || output.length != expected) {
      throw new IOException("item2vec payload does not match the model: dim=" + dim + " (config " + config.dim()
          + "), input floats=" + input.length + ", output floats=" + output.length + " for " + train.numItems() + " items");
    }
    SideInformation side = in.readBoolean() ? SideInformation.readFrom(in, dim) : null;
    return new Item2VecModel(config, train, dim, input, output, side, dev.funnel.util.Parallel.defaultThreads());
  }
}
