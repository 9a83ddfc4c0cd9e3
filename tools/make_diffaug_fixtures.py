#!/usr/bin/python3
"""Writes fixtures/diffaug.safetensors, the PyTorch reference tests/test_diffaug.c compares the
differentiable augmentation (src/train/diffaug.c) against.

Run from the repository root with Debian's torch:   /usr/bin/python3 tools/make_diffaug_fixtures.py

The augmentation is written here independently with torch's own operations (torch.flip,
torch.rot90, zero padding and slicing for the shift, a mask for cutout, broadcast colour
formulas) on given per-sample parameters, so the test checks the C conventions and gradients,
not the random draws.  Tensors:
  x [4,3,8,8]        input images
  params [4,11]      per sample: xflip, rot90, dy, dx, brightness, saturation, contrast,
                     cut_y0, cut_y1, cut_x0, cut_x1 (sample 0 is the identity)
  y                  aug(x)
  R, gx              a fixed weight and d sum(aug(x) * R) / dx
  w [2,3,3,3], b [2] a small D: logit = 0.2 * sum over [C,H,W] of tanh(conv3x3(., w, pad 1) + b)
  r1                 R1 = sum |d sum(D(aug(x))^2) / dx|^2 (create_graph)
  r1.gw, r1.gb, r1.gx  its gradients with respect to w, b and x (a gradient of a gradient)"""
import sys
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, 'tools')
from make_fixtures import save

torch.set_num_threads(1)
torch.manual_seed(6)
OUT = sys.argv[1] if len(sys.argv) > 1 else 'fixtures'
N, C, H, W = 4, 3, 8, 8

# xflip rot90 dy dx brightness saturation contrast cut_y0 cut_y1 cut_x0 cut_x1
params = torch.tensor([
    [0, 0, 0, 0, 0.0, 1.0, 1.0, 0, 0, 0, 0],
    [1, 1, 2, -1, 0.3, 0.5, 1.7, 0, 4, 2, 6],
    [0, 3, -3, 2, -0.2, 2.5, 0.6, 5, 8, 0, 3],
    [1, 2, 1, 1, 0.1, 0.0, 1.2, 3, 5, 3, 5],
], dtype=torch.float32)


def aug(x):
    out = []
    for n in range(N):
        f, k, dy, dx = (int(v) for v in params[n, :4])
        b, s, c = (float(v) for v in params[n, 4:7])
        y0, y1, x0, x1 = (int(v) for v in params[n, 7:])
        xi = x[n:n + 1] + b
        m = xi.mean(dim=1, keepdim=True)
        xi = m + (xi - m) * s
        m = xi.mean(dim=(1, 2, 3), keepdim=True)
        xi = m + (xi - m) * c
        if f:
            xi = torch.flip(xi, [3])
        xi = torch.rot90(xi, k, [2, 3])
        pad = F.pad(xi, (W, W, H, H))                      # out(y, x) = in(y - dy, x - dx), zero fill
        xi = pad[:, :, H - dy:2 * H - dy, W - dx:2 * W - dx]
        mask = torch.ones(1, 1, H, W)
        mask[:, :, y0:y1, x0:x1] = 0
        out.append(xi * mask)
    return torch.cat(out)


def d_logits(x, w, b):
    return 0.2 * torch.tanh(F.conv2d(x, w, b, padding=1)).sum(dim=(1, 2, 3))


x = (torch.rand(N, C, H, W) * 2 - 1).requires_grad_()
R = torch.rand(N, C, H, W) * 2 - 1
y = aug(x)
gx, = torch.autograd.grad((y * R).sum(), x)
w = ((torch.rand(2, C, 3, 3) * 2 - 1) * 0.6).requires_grad_()
b = ((torch.rand(2) * 2 - 1) * 0.3).requires_grad_()
loss = d_logits(aug(x), w, b).square().sum()
g, = torch.autograd.grad(loss, x, create_graph=True)
r1 = g.square().sum()
r1_gw, r1_gb, r1_gx = torch.autograd.grad(r1, [w, b, x])
save(f'{OUT}/diffaug.safetensors',
     {'x': x, 'params': params, 'y': y, 'R': R, 'gx': gx, 'w': w, 'b': b, 'r1': r1,
      'r1.gw': r1_gw, 'r1.gb': r1_gb, 'r1.gx': r1_gx}, {'torch': torch.__version__})
