import java.lang.management.ManagementFactory;
import java.lang.reflect.*;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.*;
import java.util.*;

/**
 * Interleaved A/B of two builds of LightGCN's trainer in one JVM (one class loader each, so each has
 * its own JIT-compiled copy): rounds of {@code PER} identical gowalla batches (2048 triples, dim 64, 3
 * layers, Adam), old then new, then new then old, ...; per build the wall and process CPU per batch,
 * and the per-round new/old wall ratio, which cancels most of the load of a shared machine.
 * Each tree needs {@code core/target/classes} and {@code core/target/test-classes} (mvn -o -DskipTests
 * package; the test classes give LightGcnProbe.read). Usage (single-file source launch, JDK 17+):
 *
 * <pre>
 *   DEPS=$(mvn -o -q -pl core dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
 *   java -Xmx3g -XX:+UseG1GC --add-modules jdk.incubator.vector bench/peers/LightGcnAb.java \
 *     OLD_TREE NEW_TREE "$DEPS" /path/to/gowalla THREADS ROUNDS PER
 * </pre>
 */
public class LightGcnAb {
  static Object call(Object target, Class<?> c, String name, Object... args) throws Exception {
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        m.setAccessible(true);
        return m.invoke(target, args);
      }
    }
    throw new NoSuchMethodException(name);
  }

  static final class Version {
    final String name;
    final Object trainer;
    final Method step;
    final Object interactions;
    Version(String name, String root, String deps, String data, int threads) throws Exception {
      this.name = name;
      List<URL> urls = new ArrayList<>();
      urls.add(Path.of(root, "core/target/classes").toUri().toURL());
      urls.add(Path.of(root, "core/target/test-classes").toUri().toURL());
      for (String d : deps.split(":")) urls.add(Path.of(d).toUri().toURL());
      ClassLoader cl = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
      Class<?> probe = cl.loadClass("dev.funnel.recall.lightgcn.LightGcnProbe");
      interactions = call(null, probe, "read", Path.of(data, "train.txt"));
      Class<?> ic = cl.loadClass("dev.funnel.data.Interactions");
      Class<?> gc = cl.loadClass("dev.funnel.recall.lightgcn.NormalizedGraph");
      Constructor<?> gctor = gc.getDeclaredConstructor(ic);
      gctor.setAccessible(true);
      Object graph = gctor.newInstance(interactions);
      int nodes = (int) call(graph, gc, "numNodes");
      Class<?> pc = cl.loadClass("dev.funnel.recall.lightgcn.RowPool");
      Constructor<?> pctor = pc.getDeclaredConstructor(int.class);
      pctor.setAccessible(true);
      Object pool = pctor.newInstance(threads);
      Object kernels = cl.loadClass("dev.funnel.kernel.Kernels").getMethod("get").invoke(null);
      Class<?> tc = cl.loadClass("dev.funnel.recall.lightgcn.LightGcnTrainer");
      Class<?> kc = cl.loadClass("dev.funnel.kernel.VectorKernels");
      Random r = new Random(1);
      Object t;
      try {
        Constructor<?> c9 = tc.getDeclaredConstructor(gc, int.class, int.class, double.class, double.class, float[].class, int.class, pc, kc);
        c9.setAccessible(true);
        int off = 12;
        float[] ego = new float[off + nodes * 64];
        for (int x = off; x < ego.length; x++) ego[x] = (float) (0.1 * r.nextGaussian());
        t = c9.newInstance(graph, 64, 3, 1e-4, 0.001, ego, off, pool, kernels);
      } catch (NoSuchMethodException e) {
        Constructor<?> c8 = tc.getDeclaredConstructor(gc, int.class, int.class, double.class, double.class, float[].class, pc, kc);
        c8.setAccessible(true);
        float[] ego = new float[nodes * 64];
        for (int x = 0; x < ego.length; x++) ego[x] = (float) (0.1 * r.nextGaussian());
        t = c8.newInstance(graph, 64, 3, 1e-4, 0.001, ego, pool, kernels);
      }
      trainer = t;
      step = tc.getDeclaredMethod("step", int[].class, int[].class, int[].class, int.class, int.class);
      step.setAccessible(true);
    }
  }

  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  public static void main(String[] a) throws Exception {
    String deps = a[2];
    String data = a[3];
    int threads = Integer.parseInt(a[4]);
    int rounds = Integer.parseInt(a[5]);
    int per = Integer.parseInt(a[6]);
    Version[] v = {new Version("old", a[0], deps, data, threads), new Version("new", a[1], deps, data, threads)};
    // batches from the dataset: uniform user with items, uniform positive, uniform negative not held
    Object in = v[0].interactions;
    Class<?> ic = in.getClass();
    int users = (int) call(in, ic, "numUsers");
    int items = (int) call(in, ic, "numItems");
    int[][] held = new int[users][];
    for (int u = 0; u < users; u++) held[u] = (int[]) call(in, ic, "itemsOf", u);
    Random r = new Random(7);
    int b = 2048;
    int nb = per;
    int[][] us = new int[nb][b], is = new int[nb][b], js = new int[nb][b];
    for (int n = 0; n < nb; n++) {
      for (int x = 0; x < b; x++) {
        int u;
        do { u = r.nextInt(users); } while (held[u].length == 0);
        us[n][x] = u;
        is[n][x] = held[u][r.nextInt(held[u].length)];
        int j;
        do { j = r.nextInt(items); } while (Arrays.binarySearch(held[u], j) >= 0);
        js[n][x] = j;
      }
    }
    double[][] wall = new double[2][rounds];
    double[][] cpus = new double[2][rounds];
    for (int round = -2; round < rounds; round++) {
      for (int o = 0; o < 2; o++) {
        int which = (round & 1) == 0 ? o : 1 - o;
        long t0 = System.nanoTime();
        double c0 = cpu();
        for (int n = 0; n < nb; n++) v[which].step.invoke(v[which].trainer, us[n], is[n], js[n], 0, b);
        double w = (System.nanoTime() - t0) / 1e6 / nb;
        double c = (cpu() - c0) * 1e3 / nb;
        if (round >= 0) { wall[which][round] = w; cpus[which][round] = c; }
      }
    }
    for (int o = 0; o < 2; o++) {
      double[] w = wall[o].clone(), c = cpus[o].clone();
      Arrays.sort(w); Arrays.sort(c);
      System.out.printf(Locale.ROOT, "%s (%d threads): wall ms/batch min %.1f median %.1f | process CPU ms/batch min %.1f median %.1f | x396 batches: %.1f s/epoch wall (median)%n",
          v[o].name, threads, w[0], w[rounds / 2], c[0], c[rounds / 2], w[rounds / 2] * 396 / 1e3);
    }
    double[] ratio = new double[rounds];
    for (int i = 0; i < rounds; i++) ratio[i] = wall[1][i] / wall[0][i];
    Arrays.sort(ratio);
    System.out.printf(Locale.ROOT, "new/old wall ratio per round: median %.3f (min %.3f max %.3f)%n", ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    System.exit(0);
  }
}
