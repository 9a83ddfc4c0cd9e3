#!/usr/bin/python3
"""Writes fixtures/ops_rect.safetensors, the PyTorch reference of the ops Inception-v3 added to the engine,
compared by tests/test_ops_rect.c:

  conv2d.J / convt2d.J   F.conv2d / F.conv_transpose2d with non-square kernels (1x7, 7x1, 1x3, 3x1, 3x5) and
                         per-axis padding ((0,3), (3,0), (0,1), (1,0), (1,2)), strides 1-2, groups 1-2
  maxpool.J              F.max_pool2d (k, stride, pad) as Inception uses it (3/2/0, 3/1/1) and 2/2/0
  resize.J               F.interpolate(size=..., mode='bilinear', align_corners=False), up and down

For each case NAME: NAME.in<i> (inputs), NAME.out, NAME.gout (a random upstream gradient), NAME.grad<i>
(gradients of <out, gout>), NAME.v (a random direction) and NAME.gg<i>, the gradients of <grad0, v> with
respect to every input and to gout (NAME.gg<nin>): a gradient of a gradient.  For max pool and resize the
op is followed by a square (out = op(x)^2), otherwise their second derivatives are zero.
NAME.geom holds the integer parameters.  Run from the repository root with Debian's torch:
    /usr/bin/python3 tools/make_rect_fixtures.py [OUTDIR]"""
import os, sys
import torch, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
OUT = sys.argv[1] if len(sys.argv) > 1 else 'fixtures'


def main():
    gen = torch.Generator().manual_seed(60)
    R = lambda *s: torch.randn(tuple(s), generator=gen)
    out = {}

    def record(name, fn, inputs, geom):
        ins = [t.clone().requires_grad_(True) for t in inputs]
        y = fn(*ins)
        gy = R(*y.shape).requires_grad_(True)
        gs = torch.autograd.grad(y, ins, gy, create_graph=True)
        v = R(*ins[0].shape)
        ggs = torch.autograd.grad((gs[0] * v).sum(), ins + [gy], allow_unused=True)
        for i, t in enumerate(ins): out[f'{name}.in{i}'] = t.detach()
        out[f'{name}.out'] = y.detach()
        out[f'{name}.gout'] = gy.detach()
        for i, g in enumerate(gs): out[f'{name}.grad{i}'] = g.detach()
        out[f'{name}.v'] = v
        for i, (t, g) in enumerate(zip(ins + [gy], ggs)):
            out[f'{name}.gg{i}'] = torch.zeros_like(t) if g is None else g.detach()
        out[f'{name}.geom'] = torch.tensor(geom, dtype=torch.float32)

    # conv2d: (kh, kw, stride, ph, pw, groups, Ci, Co, H, W)
    for j, (kh, kw, s, ph, pw, gr, ci, co, h, w) in enumerate([
            (1, 7, 1, 0, 3, 1, 3, 4, 9, 10), (7, 1, 1, 3, 0, 1, 3, 4, 10, 9), (1, 3, 1, 0, 1, 1, 4, 3, 6, 7),
            (3, 1, 1, 1, 0, 1, 4, 3, 7, 6), (3, 5, 2, 1, 2, 2, 4, 6, 9, 11), (1, 7, 2, 0, 0, 1, 2, 3, 5, 12)]):
        record(f'conv2d.{j}', lambda x, wt, b, s=s, ph=ph, pw=pw, gr=gr: F.conv2d(x, wt, b, s, (ph, pw), 1, gr),
               [R(2, ci, h, w), R(co, ci // gr, kh, kw) * 0.3, R(co)], [kh, kw, s, ph, pw, 0, gr])
    # conv_transpose2d: (kh, kw, stride, ph, pw, out_pad, groups, Ci, Co, H, W)
    for j, (kh, kw, s, ph, pw, op, gr, ci, co, h, w) in enumerate([
            (1, 7, 1, 0, 3, 0, 1, 3, 2, 5, 6), (7, 1, 2, 3, 0, 1, 1, 2, 3, 4, 3), (3, 5, 2, 1, 2, 0, 2, 4, 2, 3, 4)]):
        record(f'convt2d.{j}', lambda x, wt, b, s=s, ph=ph, pw=pw, op=op, gr=gr:
               F.conv_transpose2d(x, wt, b, s, (ph, pw), op, gr),
               [R(2, ci, h, w), R(ci, co // gr, kh, kw) * 0.3, R(co)], [kh, kw, s, ph, pw, op, gr])
    # max pool (k, stride, pad), followed by a square
    for j, (k, s, p, h, w) in enumerate([(3, 2, 0, 9, 8), (3, 1, 1, 6, 7), (2, 2, 0, 6, 6), (3, 2, 1, 7, 7)]):
        record(f'maxpool.{j}', lambda x, k=k, s=s, p=p: F.max_pool2d(x, k, s, p) ** 2, [R(2, 3, h, w)], [k, s, p])
    # bilinear resize to (Ho, Wo), followed by a square
    for j, (h, w, ho, wo) in enumerate([(5, 7, 11, 4), (28, 28, 61, 61), (9, 13, 9, 30), (8, 8, 3, 5)]):
        record(f'resize.{j}', lambda x, ho=ho, wo=wo: F.interpolate(x, size=(ho, wo), mode='bilinear',
                                                                    align_corners=False) ** 2,
               [R(2, 2, h, w)], [ho, wo])
    save(f'{OUT}/ops_rect.safetensors', out, dict(torch=torch.__version__))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    main()
