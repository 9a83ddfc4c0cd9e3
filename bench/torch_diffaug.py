"""The PyTorch peer of bench/bench_diffaug.c: the same augmentation (src/train/diffaug.h) with the
same algorithm, every transform at p = 1, forward and backward with respect to the images.  Colour:
the three transforms composed into one per-sample affine map of x, its channel mean and its mean
(broadcast ops); flip, quarter turn, integer shift and cutout: one per-sample index map applied
with torch.gather (DiffAugment's translation is an index gather too) and a mask for the zeros.  Parameters are drawn with torch's generator (not Philox: only
the work is compared, not the values).
Usage: /usr/bin/python3 bench/torch_diffaug.py [--batch 32] [--channels 3] [--size 64] [--reps 200] [--threads 2]
Prints the time of one call and a "RESULT key=value ..." line for bench/run_diffaug.sh."""
import argparse, time
import torch

p = argparse.ArgumentParser()
p.add_argument('--batch', type=int, default=32)
p.add_argument('--channels', type=int, default=3)
p.add_argument('--size', type=int, default=64)
p.add_argument('--reps', type=int, default=200)
p.add_argument('--threads', type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
N, C, S = a.batch, a.channels, a.size


def augment(x):
    n, c = x.shape[0], x.shape[1]
    # colour, composed as in src/train/diffaug.c: y = a x + (beta P x + gamma M x + b), P the channel
    # mean, M the sample mean (brightness sd 0.2, saturation / contrast log2-normal with sd 1 / 0.5)
    b = torch.randn(n, 1, 1, 1) * 0.2
    sat = torch.exp2(torch.randn(n, 1, 1, 1)) if c > 1 else torch.ones(n, 1, 1, 1)
    con = torch.exp2(torch.randn(n, 1, 1, 1) * 0.5)
    px = x.mean(dim=1, keepdim=True)
    x = x * (con * sat) + (px * (con * (1 - sat)) + px.mean(dim=(2, 3), keepdim=True) * (1 - con) + b)
    # flip, k quarter turns, shift in {-s..s} and cutout: one source-index map per sample (-1: zero)
    s = round(0.125 * S)
    flip = torch.randint(0, 2, (n, 1, 1))
    k = torch.randint(0, 4, (n, 1, 1))
    dy = torch.randint(-s, s + 1, (n, 1, 1))
    dx = torch.randint(-s, s + 1, (n, 1, 1))
    yy = torch.arange(S).view(1, S, 1) - dy
    xx = torch.arange(S).view(1, 1, S) - dx
    keep = (yy >= 0) & (yy < S) & (xx >= 0) & (xx < S)
    yy, xx = yy.clamp(0, S - 1).expand(n, S, S), xx.clamp(0, S - 1).expand(n, S, S)
    ry = torch.where(k == 1, xx, torch.where(k == 2, S - 1 - yy, torch.where(k == 3, S - 1 - xx, yy)))
    rx = torch.where(k == 1, S - 1 - yy, torch.where(k == 2, S - 1 - xx, torch.where(k == 3, yy, xx)))
    rx = torch.where(flip == 1, S - 1 - rx, rx)
    h = round(0.5 * S)                     # cutout: a half-size square centred on a uniform pixel
    cy = torch.randint(0, S, (n, 1, 1)) - h // 2
    cx = torch.randint(0, S, (n, 1, 1)) - h // 2
    ar = torch.arange(S)
    keep &= ~(((ar.view(1, S, 1) >= cy) & (ar.view(1, S, 1) < cy + h)) & ((ar.view(1, 1, S) >= cx) & (ar.view(1, 1, S) < cx + h)))
    idx = (ry * S + rx).view(n, 1, S * S).expand(n, c, S * S)
    return torch.gather(x.reshape(n, c, S * S), 2, idx).view(x.shape) * keep.view(n, 1, S, S)


x = (torch.rand(N, C, S, S) * 2 - 1).requires_grad_()
R = torch.rand(N, C, S, S) * 2 - 1


def one_call():
    t = time.perf_counter()
    y = augment(x)
    gx, = torch.autograd.grad(y, x, R)
    return time.perf_counter() - t


for _ in range(10):
    one_call()
times = [one_call() for _ in range(a.reps)]
mean_ms, best_ms = 1e3 * sum(times) / len(times), 1e3 * min(times)
print(f'torch bench_diffaug batch={N} [{C},{S},{S}] threads={a.threads}: {mean_ms:.3f} ms per forward+backward '
      f'(best {best_ms:.3f} ms), torch {torch.__version__}')
print(f'RESULT impl=torch ms={mean_ms:.4f} best_ms={best_ms:.4f}')
