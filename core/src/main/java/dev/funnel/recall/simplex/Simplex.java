package dev.funnel.recall.simplex;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.train.runtime.Hogwild;
import dev.funnel.train.runtime.TrainingSchedule;
import dev.funnel.train.runtime.Validator;
import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * SimpleX (Mao, Zhu, Wang, Dai, Dong, Xiao &amp; He, "SimpleX: A Simple and Strong Baseline for
 * Collaborative Filtering", CIKM 2021): a user tower {@code t_u = g e_u + (1-g) V mean(q_i, i in H_u)}
 * ({@link BehaviorAggregator}), dropout on t_u, cosine similarity to the items, and the cosine
 * contrastive loss over many negatives per positive,
 *
 * <pre>
 *   loss(u, p, N) = (1 - cos(t_u, q_p)) + (w / |N|) * sum_{j in N} max(0, cos(t_u, q_j) - m)
 * </pre>
 *
 * averaged over the batch. With {@code gamma = 1} it is MF-CCL.
 *
 * <p>Speed on a CPU: one set of {@code negatives} items is drawn per batch and shared by all its
 * examples (the reference draws them per example), so the B x N cosines of a batch are one GEMM of
 * the normalised user vectors against the normalised negatives ({@link VectorKernels#gemm}). The
 * hinge is active for few pairs once training is under way (margin 0.9), so the backward pass visits
 * only active pairs. Item gradients of a batch are summed in a dense per-worker buffer and each
 * touched row gets one lazy optimizer step; batches run Hogwild-parallel over threads.
 */
public final class Simplex implements RecallAlgorithm<SimplexConfig> {
  public static final String NAME = "simplex";

  /** F.normalize's epsilon: a norm below this is treated as this, so zero vectors stay finite. */
  private static final float NORM_EPS = 1e-12f;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "SimpleX (Mao et al. 2021): history-aggregating user tower, cosine contrastive loss, many shared negatives";
  }

  @Override
  public SimplexConfig defaultConfig() {
    return SimplexConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, SimplexConfig config, TrainContext context) {
    return train(train, config, context, 0, null);
  }

  /**
   * Trains, scoring the model every {@code validateEvery} epochs with {@code validator} (higher is
   * better; the line goes to the context's progress). The weights of the best validation are kept, as
   * in {@link Hogwild}. With a null validator this is {@link #train(Interactions, SimplexConfig,
   * TrainContext)}.
   */
  public SimplexModel train(Interactions train, SimplexConfig config, TrainContext context, int validateEvery,
      ToDoubleFunction<SimplexModel> validator) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int dim = config.dim();
    WorkerRandom init = new WorkerRandom(context.seed());
    EmbeddingTable users = new EmbeddingTable(numUsers, dim);
    EmbeddingTable items = new EmbeddingTable(numItems, dim);
    EmbeddingTable vTable = new EmbeddingTable(dim, dim);
    users.initNormal(config.initStd(), init);
    items.initNormal(config.initStd(), init);
    vTable.initNormal(Math.sqrt(2.0 / (dim + dim)), init); // Xavier normal, as the reference's nn.Linear init
    RowOptimizer userOpt = config.optimizerConfig().create(users);
    RowOptimizer itemOpt = config.optimizerConfig().create(items);
    RowOptimizer vOpt = config.optimizerConfig().create(vTable);

    int nnz = train.nnz();
    int[] userPtr = train.userPtr();
    int[] userItems = train.userItems();
    int[] rowUser = new int[nnz];
    for (int u = 0; u < numUsers; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        rowUser[p] = u;
      }
    }
    float[] e = users.data();
    float[] q = items.data();
    float[] v = vTable.data();
    float gamma = (float) config.gamma();
    float margin = (float) config.margin();
    int numNeg = config.negatives();
    float negScale = (float) (config.negativeWeight() / numNeg);
    float dropout = (float) config.dropout();
    float keep = 1f / (1f - dropout);
    int maxBatch = config.batchSize();
    VectorKernels k = Kernels.get();
    int threads = config.threads() == 0 ? context.threads() : config.threads();
    TrainingSchedule schedule = new TrainingSchedule(config.epochs(), nnz, maxBatch, threads, context.seed(),
        Math.max(1, validateEvery), 0);
    Validator check = validator == null ? null
        : epoch -> validator.applyAsDouble(SimplexModel.fromTables(config, train, dim, e, q, v, gamma));
    Hogwild.train(schedule, (workerId, random) -> {
      int[] exUser = new int[maxBatch];
      int[] exPos = new int[maxBatch];
      int[] exSlot = new int[maxBatch];
      int[] slotOfUser = new int[numUsers];
      Arrays.fill(slotOfUser, -1);
      int[] uniqueUsers = new int[maxBatch];
      float[] mean = new float[maxBatch * dim];
      float[] tower = new float[maxBatch * dim];
      float[] gradTower = new float[maxBatch * dim];
      float[] gradUsers = new float[maxBatch * dim];
      float[] mask = new float[maxBatch * dim];
      float[] uHat = new float[maxBatch * dim];
      float[] uNorm = new float[maxBatch];
      float[] gradUHat = new float[maxBatch * dim];
      int[] neg = new int[numNeg];
      float[] nHat = new float[numNeg * dim];
      float[] nNorm = new float[numNeg];
      float[] gradNHat = new float[numNeg * dim];
      float[] cos = new float[maxBatch * numNeg];
      float[] gradItems = new float[numItems * dim];
      int[] itemStamp = new int[numItems];
      int[] touched = new int[numItems];
      float[] gradV = new float[dim * dim];
      float[] scratch = new float[dim];
      int[] stamp = {0};
      return (epoch, batch, from, to) -> {
        int b = (int) (to - from);
        float c = 1f / b; // the loss is the batch mean
        int st = ++stamp[0];
        int numTouched = 0;
        // 1. examples and their distinct users
        int numUnique = 0;
        for (int x = 0; x < b; x++) {
          int pos = random.nextInt(nnz);
          int u = rowUser[pos];
          exUser[x] = u;
          exPos[x] = userItems[pos];
          int s = slotOfUser[u];
          if (s < 0) {
            s = numUnique++;
            slotOfUser[u] = s;
            uniqueUsers[s] = u;
          }
          exSlot[x] = s;
        }
        // 2. user tower per distinct user
        for (int s = 0; s < numUnique; s++) {
          int u = uniqueUsers[s];
          BehaviorAggregator.forward(e, u * dim, q, userItems, userPtr[u], userPtr[u + 1], v, gamma, dim, mean,
              s * dim, tower, s * dim);
        }
        // 3. dropout and normalisation per example
        for (int x = 0; x < b; x++) {
          int off = x * dim;
          int tOff = exSlot[x] * dim;
          for (int d = 0; d < dim; d++) {
            float m = dropout > 0 && random.nextFloat() < dropout ? 0f : keep;
            mask[off + d] = m;
            uHat[off + d] = tower[tOff + d] * m;
          }
          float n = Math.max(k.norm(uHat, off, dim), NORM_EPS);
          uNorm[x] = n;
          k.scale(1f / n, uHat, off, dim);
        }
        // 4. shared negatives, normalised
        for (int j = 0; j < numNeg; j++) {
          int item = random.nextInt(numItems);
          neg[j] = item;
          int off = j * dim;
          System.arraycopy(q, item * dim, nHat, off, dim);
          float n = Math.max(k.norm(nHat, off, dim), NORM_EPS);
          nNorm[j] = n;
          k.scale(1f / n, nHat, off, dim);
        }
        // 5. all B x N cosines in one GEMM
        Arrays.fill(cos, 0, b * numNeg, 0f);
        k.gemm(uHat, 0, b, nHat, 0, numNeg, dim, cos, 0, numNeg);
        Arrays.fill(gradNHat, 0f);
        double loss = 0;
        float w = c * negScale;
        for (int x = 0; x < b; x++) {
          int off = x * dim;
          Arrays.fill(gradUHat, off, off + dim, 0f);
          // positive: d(1 - cos)/d uHat = -pHat, d/dq_p = -(uHat - cos pHat) / |q_p|
          int item = exPos[x];
          int pOff = item * dim;
          float pNorm = Math.max(k.norm(q, pOff, dim), NORM_EPS);
          float cosP = k.dot(uHat, off, q, pOff, dim) / pNorm;
          loss += 1.0 - cosP;
          if (itemStamp[item] != st) {
            itemStamp[item] = st;
            touched[numTouched++] = item;
          }
          float invP = c / pNorm;
          for (int d = 0; d < dim; d++) {
            float ph = q[pOff + d] / pNorm;
            gradUHat[off + d] -= c * ph;
            gradItems[pOff + d] -= invP * (uHat[off + d] - cosP * ph);
          }
          // negatives: only pairs above the margin
          int row = x * numNeg;
          double hinge = 0;
          for (int j = 0; j < numNeg; j++) {
            float s = cos[row + j];
            if (s > margin) {
              hinge += s - margin;
              k.axpy(w, nHat, j * dim, gradUHat, off, dim);
              k.axpy(w, uHat, off, gradNHat, j * dim, dim);
            }
          }
          loss += negScale * hinge;
          // back through the normalisation and the dropout into the tower of the example's user
          float proj = k.dot(gradUHat, off, uHat, off, dim);
          float inv = 1f / uNorm[x];
          int tOff = exSlot[x] * dim;
          for (int d = 0; d < dim; d++) {
            gradTower[tOff + d] += (gradUHat[off + d] - proj * uHat[off + d]) * inv * mask[off + d];
          }
        }
        for (int j = 0; j < numNeg; j++) {
          int off = j * dim;
          float proj = k.dot(gradNHat, off, nHat, off, dim);
          if (proj == 0f && k.sumOfSquares(gradNHat, off, dim) == 0f) {
            continue;
          }
          int item = neg[j];
          if (itemStamp[item] != st) {
            itemStamp[item] = st;
            touched[numTouched++] = item;
          }
          float inv = 1f / nNorm[j];
          int gOff = item * dim;
          for (int d = 0; d < dim; d++) {
            gradItems[gOff + d] += (gradNHat[off + d] - proj * nHat[off + d]) * inv;
          }
        }
        // 6. back through the tower into e_u, V and the history items
        for (int s = 0; s < numUnique; s++) {
          int u = uniqueUsers[s];
          int sOff = s * dim;
          Arrays.fill(gradUsers, sOff, sOff + dim, 0f);
          BehaviorAggregator.backward(gradTower, sOff, mean, sOff, userItems, userPtr[u], userPtr[u + 1], v, gamma,
              dim, gradUsers, sOff, gradV, gradItems, scratch);
          if (gamma < 1f) {
            for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
              int item = userItems[p];
              if (itemStamp[item] != st) {
                itemStamp[item] = st;
                touched[numTouched++] = item;
              }
            }
          }
        }
        // 7. one optimizer step per touched row
        for (int s = 0; s < numUnique; s++) {
          int u = uniqueUsers[s];
          userOpt.update(u, gradUsers, s * dim);
          slotOfUser[u] = -1;
          Arrays.fill(gradTower, s * dim, (s + 1) * dim, 0f);
        }
        for (int t = 0; t < numTouched; t++) {
          int item = touched[t];
          itemOpt.update(item, gradItems, item * dim);
          Arrays.fill(gradItems, item * dim, (item + 1) * dim, 0f);
        }
        if (gamma < 1f) {
          for (int r = 0; r < dim; r++) {
            vOpt.update(r, gradV, r * dim);
          }
          Arrays.fill(gradV, 0f);
        }
        return loss;
      };
    }, check, context.progress(), e, q, v);
    return SimplexModel.fromTables(config, train, dim, e, q, v, gamma);
  }

  @Override
  public RecallModel read(DataInput in, SimplexConfig config, Interactions train) throws IOException {
    int dim = in.readInt();
    float[] userVectors = BinaryIO.readFloats(in);
    float[] itemVectors = BinaryIO.readFloats(in);
    if (dim != config.dim() || userVectors.length != (long) train.numUsers() * dim
        || itemVectors.length != (long) train.numItems() * dim) {
      throw new IOException("simplex payload does not match the model: dim=" + dim + " (config " + config.dim()
          + "), user floats=" + userVectors.length + ", item floats=" + itemVectors.length + " for "
          + train.numUsers() + " users and " + train.numItems() + " items");
    }
    return new SimplexModel(config, train, dim, userVectors, itemVectors);
  }
}
