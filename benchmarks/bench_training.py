"""Training speed: course_lib's toolkit against PyTorch on the course's two small networks.

    python benchmarks/bench_training.py [--runs 5] [--quick] [--dtype float32]

(a) nnfs: spiral_data(100, 3), Dense 2->64, ReLU, Dense 64->3, softmax + cross-entropy, Adam lr 0.05
    with 1/t decay 5e-7, 10001 full-batch steps.
(b) capstone: 480 points of make_two_spirals, 2->128->128->64->1 with batch norm, ReLU and dropout (keep 0.85)
    after each hidden layer, sigmoid + binary cross-entropy, Adam lr 3e-3, 500 epochs of mini-batches of 64.

Each is trained with course_lib (toolkit.fit) and with PyTorch on the CPU, each with 1 thread and with its
default number of threads (for course_lib: the threads of NumPy's OpenBLAS, switched at run time with
course_lib.toolkit.threads; fit itself trains with 1 unless told otherwise). The settings take turns within each run,
so a change in machine load hits them alike. Both sides do the same work per step, including the running
loss and accuracy that fit records. Prints median and min-max seconds per setting, and last the line
    ratio course_lib/pytorch: nnfs=<x> capstone=<y>
of course_lib's faster median over PyTorch's faster median (below 1: course_lib is faster).
--quick trains a tenth of the steps, for a smoke test; its numbers are not the benchmark.
On a loaded machine the multi-threaded settings of both libraries slow down several times on these small
matrix products (threads wait for busy cores); measure on a quiet machine.
"""

import argparse
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from course_lib.datasets import make_two_spirals, spiral_data
from course_lib.early_stopping import train_val_split
from course_lib.toolkit import (
    Adam,
    BatchNorm,
    Dense,
    Dropout,
    ReLU,
    Sequential,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    fit,
)
from course_lib.training import decayed_learning_rate

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
        lr_schedule=lambda step, epoch: decayed_learning_rate(0.05, 5e-7, step),  # per step, as torch's side
        progress=False,
        blas_thread_count=None,  # the thread count is the benchmark's setting
    )
    return history["loss"][-1], history["accuracy"][-1]


def course_lib_capstone(X, y, epochs, dtype, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in [(2, 128), (128, 128), (128, 64)]:
        layers += [Dense(n_in, n_out), BatchNorm(n_out), ReLU(), Dropout(KEEP_PROB)]
    model = Sequential([*layers, Dense(64, 1)], rng, dtype=dtype)
    history = fit(
        model,
        X,
        y,
        SigmoidBinaryCrossEntropy(),
        Adam(lr=3e-3),
        rng,
        epochs=epochs,
        batch_size=64,
        progress=False,
        blas_thread_count=None,  # the thread count is the benchmark's setting
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


def settings_for(ours, theirs):
    """{label: (train function, function that sets the thread count before it runs)}."""
    default_torch_threads = torch.get_num_threads()
    settings = {}
    blas = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    if not blas:
        settings["course_lib"] = (ours, lambda: None)
    else:
        default_blas_threads = blas[0]
        settings["course_lib 1 thread"] = (ours, lambda: threadpool_limits(1, user_api="blas"))
        settings[f"course_lib {default_blas_threads} threads (default)"] = (
            ours,
            lambda: threadpool_limits(default_blas_threads, user_api="blas"),
        )
    settings["pytorch 1 thread"] = (theirs, lambda: torch.set_num_threads(1))
    settings[f"pytorch {default_torch_threads} threads (default)"] = (
        theirs,
        lambda: torch.set_num_threads(default_torch_threads),
    )
    return settings


def main(args):
    scale = 10 if args.quick else 1
    nnfs_steps, capstone_epochs = (NNFS_STEPS - 1) // scale + 1, CAPSTONE_EPOCHS // scale
    dtypes = {"course_lib": np.dtype(args.dtype), "pytorch": getattr(torch, args.dtype)}
    benchmarks = {
        "nnfs": (nnfs_data(), nnfs_steps, course_lib_nnfs, torch_nnfs),
        "capstone": (capstone_data(), capstone_epochs, course_lib_capstone, torch_capstone),
    }
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, {args.dtype}, {args.runs} runs per setting"
        + (", QUICK (a tenth of the steps)" if args.quick else "")
    )
    print(f"nnfs: {nnfs_steps} full-batch steps; capstone: {capstone_epochs} epochs of batches of 64 on 480 points")
    ratios = {}
    for name, ((X, y), length, ours, theirs) in benchmarks.items():
        settings = settings_for(ours, theirs)
        times = {label: [] for label in settings}
        finals = {}
        # One short untimed run each first: imports, allocator and thread pools warmed up.
        for label, (train, use_threads) in settings.items():
            use_threads()
            train(X, y, max(length // 20, 1), dtypes[label.split()[0]], 0)
        for run in range(args.runs):
            for label, (train, use_threads) in settings.items():
                use_threads()
                seconds, final_loss, final_accuracy = timed(train, X, y, length, dtypes[label.split()[0]], run)
                times[label].append(seconds)
                finals[label] = (final_loss, final_accuracy)
        for _, use_threads in settings.values():
            use_threads()  # the last of each library is its default
        print(f"\n{name}")
        for label, values in times.items():
            final_loss, final_accuracy = finals[label]
            print(
                f"  {label:<32} median {statistics.median(values):7.3f} s   min-max "
                f"{min(values):7.3f}-{max(values):7.3f} s   last run: loss {final_loss:.4f}, "
                f"accuracy {final_accuracy:.3f}"
            )
        medians = {label: statistics.median(values) for label, values in times.items()}
        fastest = {
            library: min(seconds for label, seconds in medians.items() if label.startswith(library))
            for library in ("course_lib", "pytorch")
        }
        ratios[name] = fastest["course_lib"] / fastest["pytorch"]
    print()
    print(f"ratio course_lib/pytorch: nnfs={ratios['nnfs']:.2f} capstone={ratios['capstone']:.2f}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per setting (default 5)")
    parser.add_argument("--quick", action="store_true", help="a tenth of the steps: a smoke test, not a benchmark")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    return parser.parse_args()


if __name__ == "__main__":
    main(parse_args())
