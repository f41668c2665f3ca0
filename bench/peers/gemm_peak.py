"""OpenBLAS (through PyTorch) GFLOP/s on DeepFM's GEMM shapes, the peer of dev.funnel.bench.kernel.GemmShapes.

Run: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/peers/gemm_peak.py 1   (one core)
     python3 bench/peers/gemm_peak.py 2                                             (both cores)
Needs Debian's python3-torch.
"""
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
print(f"torch {torch.__version__}, {threads} thread(s)")
for m, k, n in [(4096, 400, 400), (400, 4096, 400), (4096, 100, 400)]:
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    for _ in range(5):
        torch.mm(a, b)
    reps = 60
    t = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    dt = time.perf_counter() - t
    print(f"{m}x{k} * {k}x{n}: {2 * m * k * n * reps / dt / 1e9:.1f} GFLOP/s")
