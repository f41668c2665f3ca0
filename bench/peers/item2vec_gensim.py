#!/usr/bin/env python3
"""Peer for the item2vec preset: gensim's Word2Vec (skip-gram, negative sampling) on the same
gowalla sets, scored the same ways as Funnel's item2vec, full-sort Recall/NDCG@20 with the
LightGCN protocol. Not shipped, not in CI. Needs Debian's python3-gensim and python3-numpy.

usage: item2vec_gensim.py DATA_DIR [--epochs 5] [--window 5] [--dim 64] [--negative 5] [--workers 2]
"""
import argparse, random, time
import numpy as np
from gensim.models import Word2Vec


def read(path):
    rows = {}
    for line in open(path):
        parts = line.split()
        if len(parts) > 1:
            rows[int(parts[0])] = [int(x) for x in parts[1:]]
    return rows


def evaluate(train, test, num_items, user_vec, item_vec, k=20):
    recall = ndcg = 0.0
    users = [u for u in test if test[u]]
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    for start in range(0, len(users), 1024):
        batch = users[start:start + 1024]
        scores = user_vec[batch] @ item_vec.T
        for row, u in enumerate(batch):
            s = scores[row]
            s[train.get(u, [])] = -np.inf
            top = np.argpartition(-s, k)[:k]
            top = top[np.argsort(-s[top])]
            truth = set(test[u])
            hits = np.array([1.0 if i in truth else 0.0 for i in top])
            recall += hits.sum() / len(truth)
            idcg = disc[:min(len(truth), k)].sum()
            ndcg += (hits * disc).sum() / idcg
    return recall / len(users), ndcg / len(users)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    train = read(a.data + "/train.txt")
    test = read(a.data + "/test.txt")
    num_items = 1 + max(max(v) for v in list(train.values()) + [x for x in test.values() if x])
    num_users = 1 + max(max(train), max(test))
    sentences = []
    rnd = random.Random(42)
    for u, items in train.items():
        if len(items) > 1:
            s = [str(i) for i in items]
            rnd.shuffle(s)
            sentences.append(s)
    t0 = time.time()
    m = Word2Vec(sentences, vector_size=a.dim, window=a.window, sg=1, negative=a.negative, min_count=1, sample=0,
                 epochs=a.epochs, workers=a.workers, seed=42)
    fit = time.time() - t0
    item_in = np.zeros((num_items, a.dim), dtype=np.float32)
    item_out = np.zeros((num_items, a.dim), dtype=np.float32)
    for i in range(num_items):
        key = str(i)
        if key in m.wv.key_to_index:
            idx = m.wv.key_to_index[key]
            item_in[i] = m.wv.vectors[idx]
            item_out[i] = m.syn1neg[idx]
    unit = item_in / np.maximum(np.linalg.norm(item_in, axis=1, keepdims=True), 1e-12)
    for name, hist, items in (("COSINE", unit, unit), ("DOT", item_in, item_in), ("CONTEXT", item_in, item_out)):
        user_vec = np.zeros((num_users, a.dim), dtype=np.float32)
        for u, its in train.items():
            user_vec[u] = hist[its].mean(axis=0)
        r, n = evaluate(train, test, num_items, user_vec, items)
        print(f"gensim {name:8s} epochs={a.epochs} window={a.window} dim={a.dim} fit_seconds={fit:.1f} recall@20={r:.4f} ndcg@20={n:.4f}", flush=True)


if __name__ == "__main__":
    main()
