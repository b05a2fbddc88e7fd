"""Training speed: course_lib's toolkit against PyTorch on the course's two small networks.

    python benchmarks/bench_training.py [--runs 5] [--quick] [--dtype float32] [--blas-threads N]

(a) nnfs: spiral_data(100, 3), Dense 2->64, ReLU, Dense 64->3, softmax + cross-entropy, Adam lr 0.05
    with 1/t decay 5e-7, 10001 full-batch steps.
(b) capstone: 480 points of make_two_spirals, 2->128->128->64->1 with batch norm, ReLU and dropout (keep 0.85)
    after each hidden layer, sigmoid + binary cross-entropy, Adam lr 3e-3, 500 epochs of mini-batches of 64.

Each is trained with course_lib (toolkit.fit) and with PyTorch on the CPU with 1 thread and with its default
number of threads; the three settings take turns within each run, so a change in machine load hits them
alike. Both sides do the same work per step, including the running loss and accuracy that fit records.
Prints median and min-max seconds per setting, and last the line
    ratio course_lib/pytorch: nnfs=<x> capstone=<y>
of course_lib's median over the faster PyTorch setting's median (below 1: course_lib is faster).
--quick trains a tenth of the steps, for a smoke test; its numbers are not the benchmark.
--blas-threads N sets OPENBLAS_NUM_THREADS for NumPy (default: NumPy's own choice, what students get). On a
loaded machine NumPy's multi-threaded matrix products of these small sizes slow down several times, which
1 thread avoids; the printed header says which setting ran.
"""

import argparse
import os
import statistics
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per setting (default 5)")
    parser.add_argument("--quick", action="store_true", help="a tenth of the steps: a smoke test, not a benchmark")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--blas-threads", type=int, default=None, help="OPENBLAS_NUM_THREADS for NumPy")
    return parser.parse_args()


# OpenBLAS reads its thread count once, when NumPy is first imported, so the arguments come first.
ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.blas_threads is not None:
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from course_lib.datasets import make_two_spirals, spiral_data  # noqa: E402
from course_lib.early_stopping import train_val_split  # noqa: E402
from course_lib.toolkit import (  # noqa: E402
    Adam,
    BatchNorm,
    Dense,
    Dropout,
    InverseTimeDecay,
    ReLU,
    Sequential,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    fit,
)

NNFS_STEPS = 10001
CAPSTONE_EPOCHS = 500
KEEP_PROB = 0.85


def nnfs_data():
    return spiral_data(100, 3)


def capstone_data():
    X, y = make_two_spirals()
    X_train, y_train, _, _ = train_val_split(X, y, 0.2, np.random.default_rng(0))
    return X_train, y_train


# --- course_lib ------------------------------------------------------------------------------------------


def course_lib_nnfs(X, y, steps, dtype, seed):
    rng = np.random.default_rng(seed)
    model = Sequential([Dense(2, 64), ReLU(), Dense(64, 3)], rng, dtype=dtype)
    history = fit(
        model,
        X,
        y,
        SoftmaxCrossEntropy(),
        Adam(lr=0.05),
        rng,
        epochs=steps,
        lr_schedule=InverseTimeDecay(0.05, 5e-7),
        progress=False,
    )
    return history["loss"][-1], history["accuracy"][-1]


def course_lib_capstone(X, y, epochs, dtype, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in [(2, 128), (128, 128), (128, 64)]:
        layers += [Dense(n_in, n_out), BatchNorm(n_out), ReLU(), Dropout(KEEP_PROB)]
    model = Sequential([*layers, Dense(64, 1)], rng, dtype=dtype)
    history = fit(
        model, X, y, SigmoidBinaryCrossEntropy(), Adam(lr=3e-3), rng, epochs=epochs, batch_size=64, progress=False
    )
    return history["loss"][-1], history["accuracy"][-1]


# --- PyTorch: the same networks and the same bookkeeping per step -------------------------------------------


def torch_nnfs(X, y, steps, dtype, seed):
    torch.manual_seed(seed)
    X = torch.tensor(X, dtype=dtype)
    y = torch.tensor(y, dtype=torch.long)
    model = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3)).to(dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(steps):
        optimizer.param_groups[0]["lr"] = 0.05 / (1.0 + 5e-7 * step)
        optimizer.zero_grad()
        scores = model(X)
        loss = torch.nn.functional.cross_entropy(scores, y)
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
        accuracy = (scores.argmax(dim=1) == y).sum().item() / len(y)
    return loss_value, accuracy


def torch_capstone(X, y, epochs, dtype, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    X = torch.tensor(X, dtype=dtype)
    y = torch.tensor(y, dtype=dtype).reshape(-1, 1)
    layers = []
    for n_in, n_out in [(2, 128), (128, 128), (128, 64)]:
        layers += [
            torch.nn.Linear(n_in, n_out),
            torch.nn.BatchNorm1d(n_out),
            torch.nn.ReLU(),
            torch.nn.Dropout(1.0 - KEEP_PROB),
        ]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(64, 1)).to(dtype)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_function = torch.nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        total_loss, total_correct = 0.0, 0
        for start in range(0, len(X), 64):
            rows = order[start : start + 64]
            optimizer.zero_grad()
            scores = model(X[rows])
            loss = loss_function(scores, y[rows])
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(rows)
            total_correct += ((scores > 0) == (y[rows] > 0.5)).sum().item()
    return total_loss / len(X), total_correct / len(X)


# --- the comparison ----------------------------------------------------------------------------------------


def timed(train, *args):
    start = time.perf_counter()
    final_loss, final_accuracy = train(*args)
    return time.perf_counter() - start, final_loss, final_accuracy


def main(args):
    scale = 10 if args.quick else 1
    nnfs_steps, capstone_epochs = (NNFS_STEPS - 1) // scale + 1, CAPSTONE_EPOCHS // scale
    numpy_dtype = np.dtype(args.dtype)
    torch_dtype = getattr(torch, args.dtype)
    default_threads = torch.get_num_threads()
    thread_settings = {"pytorch 1 thread": 1, f"pytorch {default_threads} threads (default)": default_threads}

    benchmarks = {
        "nnfs": (nnfs_data(), nnfs_steps, course_lib_nnfs, torch_nnfs),
        "capstone": (capstone_data(), capstone_epochs, course_lib_capstone, torch_capstone),
    }
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "NumPy's default")
    print(
        f"numpy {np.__version__} (OpenBLAS threads: {blas}), torch {torch.__version__}, {args.dtype}, "
        f"{args.runs} runs per setting" + (", QUICK (a tenth of the steps)" if args.quick else "")
    )
    print(f"nnfs: {nnfs_steps} full-batch steps; capstone: {capstone_epochs} epochs of batches of 64 on 480 points")
    medians = {}
    for name, ((X, y), length, ours, theirs) in benchmarks.items():
        settings = {"course_lib": (ours, None), **{label: (theirs, n) for label, n in thread_settings.items()}}
        times = {label: [] for label in settings}
        finals = {}
        # One short untimed run each first: imports, allocator and thread pools warmed up.
        for train, threads in settings.values():
            if threads is not None:
                torch.set_num_threads(threads)
            train(X, y, max(length // 20, 1), numpy_dtype if threads is None else torch_dtype, 0)
        for run in range(args.runs):
            for label, (train, threads) in settings.items():
                if threads is not None:
                    torch.set_num_threads(threads)
                dtype = numpy_dtype if threads is None else torch_dtype
                seconds, final_loss, final_accuracy = timed(train, X, y, length, dtype, run)
                times[label].append(seconds)
                finals[label] = (final_loss, final_accuracy)
        torch.set_num_threads(default_threads)
        print(f"\n{name}")
        for label, values in times.items():
            final_loss, final_accuracy = finals[label]
            print(
                f"  {label:<32} median {statistics.median(values):7.3f} s   min-max "
                f"{min(values):7.3f}-{max(values):7.3f} s   last run: loss {final_loss:.4f}, "
                f"accuracy {final_accuracy:.3f}"
            )
        medians[name] = {label: statistics.median(values) for label, values in times.items()}
    ratios = {}
    for name, by_setting in medians.items():
        fastest_torch = min(seconds for label, seconds in by_setting.items() if label != "course_lib")
        ratios[name] = by_setting["course_lib"] / fastest_torch
    print()
    print(f"ratio course_lib/pytorch: nnfs={ratios['nnfs']:.2f} capstone={ratios['capstone']:.2f}")


if __name__ == "__main__":
    main(ARGS)
