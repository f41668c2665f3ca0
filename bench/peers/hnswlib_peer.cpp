// hnswlib peer for bench/run ann-* (harness ours; hnswlib from Debian libhnswlib-dev, never committed).
// Compiled by AnnBench at run time: g++ -O3 -march=native -mno-avx512f -std=c++17 -pthread
// (-mno-avx512f keeps hnswlib on its AVX2 path, faster than its AVX-512 path at 64 dimensions).
// Args: vectors.bin queries.bin truth.bin M efConstruction threads rounds ef1,ef2,...
// Files: int32 rows, int32 cols, then rows*cols float32 (int32 for truth), little-endian.
// Prints one "ROW {json}" line per ef: single-thread queries/s is the median of 2*rounds timings.
#include <hnswlib/hnswlib.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

static std::vector<char> slurp(const char* path, int& rows, int& cols) {
  std::ifstream in(path, std::ios::binary);
  if (!in) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
  in.read(reinterpret_cast<char*>(&rows), 4);
  in.read(reinterpret_cast<char*>(&cols), 4);
  std::vector<char> data((size_t)rows * cols * 4);
  in.read(data.data(), data.size());
  return data;
}

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static double cpu(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char** argv) {
  if (argc != 9) { fprintf(stderr, "usage: vectors queries truth M efc threads rounds efs\n"); return 2; }
  int n, dim, nq, qdim, tq, k;
  std::vector<char> vb = slurp(argv[1], n, dim), qb = slurp(argv[2], nq, qdim), tb = slurp(argv[3], tq, k);
  const float* vec = reinterpret_cast<const float*>(vb.data());
  const float* qry = reinterpret_cast<const float*>(qb.data());
  const int* truth = reinterpret_cast<const int*>(tb.data());
  int M = atoi(argv[4]), efc = atoi(argv[5]), threads = atoi(argv[6]), rounds = atoi(argv[7]);
  std::vector<int> efs;
  { std::stringstream ss(argv[8]); std::string t; while (std::getline(ss, t, ',')) efs.push_back(atoi(t.c_str())); }

  hnswlib::InnerProductSpace space(dim);
  hnswlib::HierarchicalNSW<float> index(&space, n, M, efc, 100);
  double t0 = now();
  double p0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
  index.addPoint(vec, 0);
  std::atomic<int> next(1);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; t++) {
    pool.emplace_back([&]() {
      int i;
      while ((i = next.fetch_add(64)) < n) {
        for (int j = i; j < std::min(n, i + 64); j++) index.addPoint(vec + (size_t)j * dim, j);
      }
    });
  }
  for (auto& th : pool) th.join();
  double build = now() - t0;
  double buildCpu = cpu(CLOCK_PROCESS_CPUTIME_ID) - p0;
  size_t bytes = (size_t)n * index.size_data_per_element_;
  for (int i = 0; i < n; i++) bytes += index.element_levels_[i] * index.size_links_per_element_;
  fprintf(stdout, "built %d x %d in %.2f s on %d threads\n", n, dim, build, threads);

  std::vector<std::vector<double>> t1(efs.size()), c1(efs.size()), tall(efs.size());
  std::vector<double> recall(efs.size());
  volatile size_t sink = 0;
  for (size_t e = 0; e < efs.size(); e++) {
    index.setEf(efs[e]);
    int hits = 0;
    for (int q = 0; q < nq; q++) {
      auto res = index.searchKnn(qry + (size_t)q * dim, 10);
      while (!res.empty()) {
        int id = (int)res.top().second;
        res.pop();
        for (int j = 0; j < std::min(k, 10); j++) if (truth[(size_t)q * k + j] == id) { hits++; break; }
      }
    }
    recall[e] = (double)hits / (nq * std::min(k, 10));
  }
  for (int r = 0; r < rounds; r++) {
    for (size_t e = 0; e < efs.size(); e++) {
      index.setEf(efs[e]);
      for (int rep = 0; rep < 2; rep++) {
        double s = now();
        double c = cpu(CLOCK_THREAD_CPUTIME_ID);
        for (int q = 0; q < nq; q++) sink += index.searchKnn(qry + (size_t)q * dim, 10).size();
        t1[e].push_back(nq / (now() - s));
        c1[e].push_back(nq / (cpu(CLOCK_THREAD_CPUTIME_ID) - c));
      }
      double s = now();
      std::atomic<int> cur(0);
      std::vector<std::thread> ts;
      for (int t = 0; t < threads; t++) {
        ts.emplace_back([&]() {
          int q;
          size_t local = 0;
          while ((q = cur.fetch_add(16)) < 3 * nq) {
            for (int j = q; j < std::min(3 * nq, q + 16); j++) local += index.searchKnn(qry + (size_t)(j % nq) * dim, 10).size();
          }
          sink += local;
        });
      }
      for (auto& th : ts) th.join();
      tall[e].push_back(3.0 * nq / (now() - s));
    }
  }
  for (size_t e = 0; e < efs.size(); e++) {
    printf("ROW {\"index\":\"hnswlib\",\"params\":\"M=%d efc=%d ef=%d\",\"recall@10\":%.4f,\"qps_1t\":%.0f,\"qps_1t_cpu\":%.0f,\"qps_all\":%.0f,"
           "\"build_seconds\":%.2f,\"build_cpu_seconds\":%.2f,\"bytes_per_vector\":%.1f}\n",
           M, efc, efs[e], recall[e], median(t1[e]), median(c1[e]), median(tall[e]), build, buildCpu, (double)bytes / n);
  }
  return 0;
}
