"""numpy's BLAS GFLOP/s on DeepFM's GEMM shapes: the machine's GEMM ceiling behind issue 5's throughput figures.

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/peers/gemm_numpy.py   (one core)
     OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 python3 bench/peers/gemm_numpy.py   (both cores)
SHOW=1 prints numpy's BLAS configuration first. Rates are per CPU second and per wall second.
"""
import os
import time

import numpy as np

if os.environ.get("SHOW"):
    np.show_config()
for m, k, n in [(2048, 400, 400), (4096, 400, 400), (4096, 100, 400), (400, 4096, 400)]:
    a = np.random.rand(m, k).astype(np.float32)
    b = np.random.rand(k, n).astype(np.float32)
    for _ in range(3):
        a @ b
    reps = 40
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(reps):
        a @ b
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    flops = 2 * m * k * n * reps
    print(f"{m}x{k}x{n}: {flops / cpu / 1e9:.1f} GFLOP/s per CPU s, {flops / wall / 1e9:.1f} wall")
