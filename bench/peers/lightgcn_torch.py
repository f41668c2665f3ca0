#!/usr/bin/env python3
"""One training epoch of the reference LightGCN code's recipe in plain PyTorch: the same-run speed peer
of the lightgcn-vs-torch preset (issue 3: Funnel's epoch must be >= 10x faster than the reference's).

Follows gusye1234/LightGCN-PyTorch (He et al., SIGIR 2020), the code the LightGCN figures come from:
the symmetric-normalised (users + items) adjacency as one torch sparse matrix; N(0, 0.1^2) embeddings;
the epoch's samples drawn as the reference's UniformSample_original does (one random user per training
interaction, a random positive of that user, a random non-positive item), shuffled, in mini-batches;
per batch the full propagation (K sparse products, layer mean), the BPR loss (mean softplus) plus
decay * (|u0|^2 + |p0|^2 + |n0|^2) / 2 / batch on the ego embeddings, and one Adam step.

Prints one line "ROW {json}" (sampling_seconds, train_seconds, epoch_seconds, batches, triples,
threads); other lines are progress. With --batches N it stops after N batches and scales
train_seconds to the full epoch (epoch_seconds_measured says which). Needs Debian's python3-torch.
"""
import argparse
import json
import time

import numpy as np
import torch


def read_lightgcn(path):
    users, items = [], []
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) < 1:
                continue
            try:
                u = int(parts[0])
                its = [int(x) for x in parts[1:]]
            except ValueError as e:
                raise SystemExit(f"{path}:{line_no}: {e}")
            users.extend([u] * len(its))
            items.extend(its)
    return np.array(users, dtype=np.int64), np.array(items, dtype=np.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--decay", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", type=int, default=0, help="stop after this many batches (0: the whole epoch)")
    ap.add_argument("--seed", type=int, default=2020)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)

    u, i = read_lightgcn(a.train)
    n_users, n_items = int(u.max()) + 1, int(i.max()) + 1
    n = n_users + n_items
    # Normalised adjacency D^-1/2 A D^-1/2 of the bipartite graph, as the reference's getSparseGraph.
    rows = np.concatenate([u, i + n_users])
    cols = np.concatenate([i + n_users, u])
    deg = np.bincount(rows, minlength=n).astype(np.float64)
    dinv = np.where(deg > 0, deg ** -0.5, 0.0)
    vals = (dinv[rows] * dinv[cols]).astype(np.float32)
    graph = torch.sparse_coo_tensor(torch.from_numpy(np.stack([rows, cols])), torch.from_numpy(vals), (n, n)).coalesce()
    print(f"graph {n_users} users, {n_items} items, {len(u)} interactions, {graph._nnz()} entries", flush=True)

    emb_u = torch.nn.Embedding(n_users, a.dim)
    emb_i = torch.nn.Embedding(n_items, a.dim)
    torch.nn.init.normal_(emb_u.weight, std=0.1)
    torch.nn.init.normal_(emb_i.weight, std=0.1)
    opt = torch.optim.Adam(list(emb_u.parameters()) + list(emb_i.parameters()), lr=a.lr)

    # UniformSample_original: as many samples as interactions, users uniform, rejection for negatives.
    t0 = time.perf_counter()
    pos_sets = [set() for _ in range(n_users)]
    pos_lists = [[] for _ in range(n_users)]
    for uu, ii in zip(u.tolist(), i.tolist()):
        if ii not in pos_sets[uu]:
            pos_sets[uu].add(ii)
            pos_lists[uu].append(ii)
    sampled_users = rng.integers(0, n_users, len(u))
    triples = []
    for uu in sampled_users.tolist():
        pl = pos_lists[uu]
        if not pl:
            continue
        p = pl[int(rng.integers(0, len(pl)))]
        while True:
            q = int(rng.integers(0, n_items))
            if q not in pos_sets[uu]:
                break
        triples.append((uu, p, q))
    s = torch.tensor(triples, dtype=torch.long)
    s = s[torch.randperm(len(s))]
    sampling = time.perf_counter() - t0
    print(f"sampled {len(s)} triples in {sampling:.1f} s", flush=True)

    batches = (len(s) + a.batch - 1) // a.batch
    run = batches if a.batches <= 0 else min(a.batches, batches)
    t1 = time.perf_counter()
    for b in range(run):
        part = s[b * a.batch:(b + 1) * a.batch]
        users, pos, neg = part[:, 0], part[:, 1], part[:, 2]
        x = torch.cat([emb_u.weight, emb_i.weight])
        layers = [x]
        for _ in range(a.layers):
            x = torch.sparse.mm(graph, x)
            layers.append(x)
        out = torch.stack(layers, dim=1).mean(dim=1)
        all_u, all_i = torch.split(out, [n_users, n_items])
        ue, pe, ne = all_u[users], all_i[pos], all_i[neg]
        u0, p0, n0 = emb_u(users), emb_i(pos), emb_i(neg)
        reg = 0.5 * (u0.norm(2).pow(2) + p0.norm(2).pow(2) + n0.norm(2).pow(2)) / float(len(users))
        loss = torch.nn.functional.softplus((ue * ne).sum(1) - (ue * pe).sum(1)).mean() + a.decay * reg
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (b + 1) % 50 == 0:
            el = time.perf_counter() - t1
            print(f"batch {b + 1}/{run}: {el:.1f} s, loss {loss.item():.4f}", flush=True)
    train = time.perf_counter() - t1
    scaled = train * batches / run
    row = {"sampling_seconds": round(sampling, 3), "train_seconds": round(train, 3), "batches_run": run,
           "batches": batches, "triples": len(s), "epoch_seconds": round(sampling + scaled, 3),
           "epoch_seconds_measured": run == batches, "threads": a.threads, "torch": torch.__version__}
    print("ROW " + json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
