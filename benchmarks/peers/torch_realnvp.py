"""RealNVP (affine couplings) trained by maximum likelihood in PyTorch: the peer of
`physml train flow --coupling affine` in benchmarks/bench_flow.py.

    python torch_realnvp.py TRAIN.npy TEST.npy LAYERS HIDDEN EPOCHS BATCH LR SEED

Same model as physml's: the data standardised by their mean and standard deviation, LAYERS
couplings with alternating half masks, each conditioner an MLP (HIDDEN comma widths, tanh)
whose last layer starts at zero and gives (raw log-scale, shift) for every coordinate; the
log-scale is c * tanh(raw) with a learnt row c per layer; base N(0, I); Adam, mini-batches
reshuffled every epoch. Prints one JSON line: seconds per epoch and the final NLLs.
"""
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn


class Coupling(nn.Module):
    def __init__(self, dim, hidden, kept):
        super().__init__()
        layers, width = [], dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.Tanh()]
            width = h
        last = nn.Linear(width, 2 * dim)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.net = nn.Sequential(*layers, last)
        self.register_buffer("kept", kept)
        self.limit = nn.Parameter(torch.ones(dim))

    def forward(self, u):
        moved = 1 - self.kept
        h = self.net(u * self.kept)
        raw, shift = h.chunk(2, dim=1)
        s = self.limit * torch.tanh(raw) * moved
        return u * torch.exp(s) + shift * moved, s.sum(1)


class RealNVP(nn.Module):
    def __init__(self, dim, layers, hidden, mean, std):
        super().__init__()
        half = torch.arange(dim) * 2 < dim
        self.couplings = nn.ModuleList(
            Coupling(dim, hidden, (half if k % 2 == 0 else ~half).double()) for k in range(layers))
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    def log_prob(self, x):
        u = (x - self.mean) / self.std
        log_det = torch.zeros(len(x), dtype=x.dtype)
        for c in self.couplings:
            u, ld = c(u)
            log_det = log_det + ld
        d = x.shape[1]
        return (-0.5 * (u ** 2).sum(1) - 0.5 * d * math.log(2 * math.pi) + log_det
                - torch.log(self.std).sum())


def main():
    train_path, test_path, layers, hidden, epochs, batch, lr, seed = sys.argv[1:9]
    torch.manual_seed(int(seed))
    torch.set_default_dtype(torch.float64)
    X = torch.from_numpy(np.load(train_path))
    T = torch.from_numpy(np.load(test_path))
    model = RealNVP(X.shape[1], int(layers), [int(h) for h in hidden.split(",")],
                    X.mean(0), X.std(0))
    opt = torch.optim.Adam(model.parameters(), lr=float(lr))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X), batch_size=int(batch),
                                         shuffle=True)
    t0 = time.perf_counter()
    for _ in range(int(epochs)):
        for (xb,) in loader:
            loss = -model.log_prob(xb).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    per_epoch = (time.perf_counter() - t0) / int(epochs)
    with torch.no_grad():
        print(json.dumps({"seconds_per_epoch": per_epoch,
                          "nll": float(-model.log_prob(X).mean()),
                          "nll_test": float(-model.log_prob(T).mean()),
                          "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
