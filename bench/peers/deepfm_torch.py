#!/usr/bin/env python3
"""Plain PyTorch DeepFM: the same-run throughput peer of the rank-throughput preset.

Same model as Funnel's deepfm (Guo et al. 2017): first-order weights + bias, FM pairwise term and an
MLP (ReLU hidden layers -> 1) over the concatenated field embeddings, shared by both parts;
logistic loss (BCEWithLogits), Adam, one shuffled pass over the libFM train file in mini-batches.
Reports training samples/s (wall time of the epochs, data already in tensors) and scores/s
(eval mode, no_grad, the test file in batches of --batch, repeated for --score-seconds), plus the
median time to score the first --candidates test rows as one batch. Prints one line
"ROW {json}" for bench (dev.funnel.bench.rank.RankThroughput); other lines are progress.

Run by bench/run rank-throughput; needs Debian's python3-torch (apt-get install -y python3-torch).
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def read_libfm(path, num_fields):
    """Rows of one (feature, value) per field, in file order; features are global ids."""
    feats, vals, labels = [], [], []
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != num_fields + 1:
                raise SystemExit(f"{path}:{line_no}: expected {num_fields} features, got {len(parts) - 1}")
            labels.append(1.0 if float(parts[0]) > 0 else 0.0)
            row_f, row_v = [], []
            for tok in parts[1:]:
                i, v = tok.split(":")
                row_f.append(int(i))
                row_v.append(float(v))
            feats.append(row_f)
            vals.append(row_v)
    return torch.tensor(feats, dtype=torch.long), torch.tensor(vals), torch.tensor(labels)


class DeepFm(nn.Module):
    def __init__(self, num_features, num_fields, dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(num_features, dim)
        self.linear = nn.Embedding(num_features, 1)
        self.bias = nn.Parameter(torch.zeros(1))
        nn.init.normal_(self.embedding.weight, std=0.01)
        nn.init.zeros_(self.linear.weight)
        layers, width = [], num_fields * dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, feats, vals):
        e = self.embedding(feats) * vals.unsqueeze(-1)  # batch x fields x dim
        first = (self.linear(feats).squeeze(-1) * vals).sum(1) + self.bias
        s = e.sum(1)
        pairs = 0.5 * (s * s - (e * e).sum(1)).sum(1)
        deep = self.mlp(e.flatten(1)).squeeze(-1)
        return first + pairs + deep


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--fields", required=True, help="Funnel field map spec name:lo-hi,...")
    p.add_argument("--dim", type=int, default=10)
    p.add_argument("--hidden", default="400,400,400")
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--score-seconds", type=float, default=2.0)
    p.add_argument("--candidates", type=int, default=500)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    ranges = [f.split(":")[1].split("-") for f in a.fields.split(",")]
    num_fields = len(ranges)
    num_features = max(int(hi) for _, hi in ranges) + 1
    hidden = [int(h) for h in a.hidden.split(",")]
    tf, tv, ty = read_libfm(a.train, num_fields)
    sf, sv, _ = read_libfm(a.test, num_fields)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {len(ty)} train / {len(sf)} test rows", flush=True)

    model = DeepFm(num_features, num_fields, a.dim, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    n = len(ty)
    model.train()
    c0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        order = torch.randperm(n)
        total = 0.0
        for lo in range(0, n, a.batch):
            idx = order[lo:lo + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(tf[idx], tv[idx]), ty[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
    train_s = time.perf_counter() - t0
    train_cpu = time.process_time() - c0
    print(f"train loss {total / n:.4f} after {a.epochs} epoch(s), wall {train_s:.2f} s, CPU {train_cpu:.2f} s", flush=True)

    model.eval()
    with torch.no_grad():
        def score_all():
            for lo in range(0, len(sf), a.batch):
                torch.sigmoid(model(sf[lo:lo + a.batch], sv[lo:lo + a.batch]))

        warm = time.perf_counter()
        while time.perf_counter() - warm < 1.0:
            score_all()
        scored, t1 = 0, time.perf_counter()
        while time.perf_counter() - t1 < a.score_seconds:
            score_all()
            scored += len(sf)
        score_s = time.perf_counter() - t1
        cf, cv = sf[:a.candidates], sv[:a.candidates]
        ms = []
        for rep in range(60):
            t2 = time.perf_counter()
            torch.sigmoid(model(cf, cv))
            if rep >= 10:
                ms.append((time.perf_counter() - t2) * 1e3)
    row = {
        "model": "deepfm",
        "impl": f"pytorch {torch.__version__} (plain nn.Module)",
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "epochs": a.epochs,
        "train_samples_per_s": round(n * a.epochs / train_s),
        "train_samples_per_cpu_s": round(n * a.epochs / train_cpu),
        "score_per_s": round(scored / score_s),
        "candidates": len(cf),
        "candidates_ms": round(statistics.median(ms), 3),
    }
    print("ROW " + json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
