#!/usr/bin/env python3
"""Ranking samples from MovieLens-100k as CSV for a Funnel feature schema (docs/benchmarks.md,
"Ranking data path"): one row per rating, label rating >= 4, user features (gender, age, occupation),
item features (genres as a multi-valued cell, release year), and the user's earlier movies (the
last 20, oldest first) as a behaviour sequence. Per user in time order: the first 70% of ratings
train, the next 10% validation, the last 20% test.

usage: ml100k_rank_csv.py ML100K_DIR OUT_DIR
"""
import csv
import os
import sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
genres = [line.split("|")[0] for line in open(os.path.join(src, "u.genre"), encoding="latin-1") if line.strip()]
items = {}
for line in open(os.path.join(src, "u.item"), encoding="latin-1"):
    f = line.rstrip("\n").split("|")
    year = f[2][-4:] if f[2] else ""
    items[f[0]] = (year, "|".join(g for g, flag in zip(genres, f[5:]) if flag == "1"))
users = {}
for line in open(os.path.join(src, "u.user"), encoding="latin-1"):
    f = line.rstrip("\n").split("|")
    users[f[0]] = (f[2], f[1], f[3])  # gender, age, occupation
by_user = {}
for line in open(os.path.join(src, "u.data")):
    u, i, r, t = line.split()
    by_user.setdefault(u, []).append((int(t), int(i), int(r)))
header = ["label", "user", "item", "gender", "age", "occupation", "genres", "year", "history"]
files = {s: open(os.path.join(out, f"ml100k.{s}.csv"), "w", newline="") for s in ("train", "validation", "test")}
writers = {s: csv.writer(f) for s, f in files.items()}
for w in writers.values():
    w.writerow(header)
for u in sorted(by_user, key=int):
    events = sorted(by_user[u])
    n = len(events)
    for k, (t, i, r) in enumerate(events):
        part = "train" if k < 0.7 * n else "validation" if k < 0.8 * n else "test"
        history = "|".join(str(e[1]) for e in events[max(0, k - 20):k])
        g, a, o = users[u]
        year, gs = items[str(i)]
        writers[part].writerow([1 if r >= 4 else 0, u, i, g, a, o, gs, year, history])
for f in files.values():
    f.close()
