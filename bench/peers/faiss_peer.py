#!/usr/bin/env python3
"""Faiss HNSW peer for bench/run ann-* (harness ours; Faiss from Debian python3-faiss, never committed).

Args: vectors.bin queries.bin truth.bin M efConstruction threads rounds ef1,ef2,...
Files: int32 rows, int32 cols, then rows*cols float32 (int32 for truth), little-endian.
Single-thread queries/s: the whole query batch searched with omp_set_num_threads(1) (one call, so
Python's per-call overhead does not count against Faiss), median of 2*rounds timings; also per CPU
second of the calling thread (time.thread_time: with one OpenMP thread the search runs on it).
"""
import json
import sys
import time

import faiss
import numpy as np


def read(path, dtype):
    with open(path, "rb") as f:
        rows, cols = np.frombuffer(f.read(8), dtype="<i4")
        return np.frombuffer(f.read(), dtype=dtype).reshape(int(rows), int(cols))


def main():
    vec_path, q_path, t_path, m, efc, threads, rounds, efs = sys.argv[1:9]
    m, efc, threads, rounds = int(m), int(efc), int(threads), int(rounds)
    efs = [int(e) for e in efs.split(",")]
    x = np.ascontiguousarray(read(vec_path, "<f4"))
    q = np.ascontiguousarray(read(q_path, "<f4"))
    truth = read(t_path, "<i4")
    n, dim = x.shape
    k = min(10, truth.shape[1])
    index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = efc
    faiss.omp_set_num_threads(threads)
    t0 = time.perf_counter()
    p0 = time.process_time()
    index.add(x)
    build = time.perf_counter() - t0
    build_cpu = time.process_time() - p0
    print(f"built {n} x {dim} in {build:.2f} s on {threads} threads", flush=True)
    links = faiss.vector_to_array(index.hnsw.neighbors).nbytes + faiss.vector_to_array(index.hnsw.offsets).nbytes
    bytes_per_vector = (x.nbytes + links + faiss.vector_to_array(index.hnsw.levels).nbytes) / n
    recall = []
    for ef in efs:
        index.hnsw.efSearch = ef
        faiss.omp_set_num_threads(1)
        _, ids = index.search(q, k)
        hits = sum(len(set(ids[i]) & set(truth[i, :k])) for i in range(len(q)))
        recall.append(hits / (len(q) * k))
    t1 = {ef: [] for ef in efs}
    c1 = {ef: [] for ef in efs}
    tall = {ef: [] for ef in efs}
    for _ in range(rounds):
        for ef in efs:
            index.hnsw.efSearch = ef
            faiss.omp_set_num_threads(1)
            for _ in range(2):
                s = time.perf_counter()
                c = time.thread_time()
                index.search(q, k)
                t1[ef].append(len(q) / (time.perf_counter() - s))
                c1[ef].append(len(q) / (time.thread_time() - c))
            faiss.omp_set_num_threads(threads)
            s = time.perf_counter()
            for _ in range(3):
                index.search(q, k)
            tall[ef].append(3 * len(q) / (time.perf_counter() - s))
    for ef, r in zip(efs, recall):
        row = {"index": "faiss-hnsw", "params": f"M={m} efc={efc} ef={ef}", "recall@10": round(r, 4),
               "qps_1t": round(float(np.median(t1[ef]))), "qps_1t_cpu": round(float(np.median(c1[ef]))), "qps_all": round(float(np.median(tall[ef]))),
               "build_seconds": round(build, 2), "build_cpu_seconds": round(build_cpu, 2), "bytes_per_vector": round(bytes_per_vector, 1)}
        print("ROW " + json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
