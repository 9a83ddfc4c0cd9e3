"""PyTorch peer of bench/bench_conv_layers.c: F.conv2d forward and autograd.grad for the input and the
weight on the same shapes, min of --repeat runs; prints the same LAYER lines."""
import argparse
import time

import torch
import torch.nn.functional as F

SHAPES = [(64, 64, 4, 3, 1), (64, 64, 8, 3, 1), (64, 64, 16, 3, 1), (64, 32, 32, 3, 1), (32, 32, 32, 3, 1),
          (32, 16, 64, 3, 1), (16, 16, 64, 3, 1), (16, 32, 64, 3, 1), (32, 64, 32, 3, 1),
          (16, 32, 64, 4, 2), (32, 64, 32, 4, 2), (64, 64, 16, 4, 2)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repeat', type=int, default=20)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for ci, co, h, k, st in SHAPES:
        pad = 1 if k == 4 else k // 2
        tf = tb = 1e9
        for _ in range(a.repeat):
            x = torch.randn(a.batch, ci, h, h, requires_grad=True)
            w = torch.randn(co, ci, k, k, requires_grad=True)
            t0 = time.perf_counter()
            y = F.conv2d(x, w, stride=st, padding=pad)
            t1 = time.perf_counter()
            torch.autograd.grad(y, [x, w], torch.ones_like(y))
            t2 = time.perf_counter()
            tf, tb = min(tf, t1 - t0), min(tb, t2 - t1)
        print(f'LAYER {ci} {co} {h} {k} {st} {tf * 1e3:.3f} {tb * 1e3:.3f}')


if __name__ == '__main__':
    main()
