#!/usr/bin/python3
"""Writes fixtures/sg2.safetensors for tests/test_stylegan2.c from the PyTorch implementation in
bench/torch_stylegan2.py (seeded; run from the repository root):

    /usr/bin/python3 tools/make_sg2_fixtures.py

Contents (tiny spec: 32x32 grey, z = w = 8, 2 mapping layers, channels min(64/r, 8), batch 4):
  every parameter and buffer under its C name (random, biases and noise strengths non-zero);
  modconv.{x,weight,styles,out,out_rgb}: one modulated convolution in the reference's FUSED form
      (per-sample weights, grouped convolution) - independent of the C input-modulation form;
  z, w (mapping), ws [4,L,8] (W+), img (synthesis with the constant noise maps), real, logits (D);
  r1 (= mean_N |grad_x sum D(x)|^2) and r1.grad.<name> for every D parameter (a gradient of a gradient);
  pl.y, pl.len (path lengths of ws), pl.grad.<name>: d mean(pl.len) / d every G synthesis parameter.
Also fixtures/sg2_cond.safetensors (the conditional variant) and fixtures/sg2_grow.safetensors (progressive
growing at intermediate stages), described at the end of this file."""
import os, sys
import numpy as np, torch
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bench'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_stylegan2 as sg
from make_fixtures import save

torch.set_num_threads(1)
torch.manual_seed(7)
OUT = sys.argv[1] if len(sys.argv) > 1 else 'fixtures'
spec = dict(resolution=32, channels=1, z_dim=8, w_dim=8, map_layers=2, ch_base=64, ch_max=8, mbstd_group=4)
P, B = sg.build(spec, torch.Generator().manual_seed(1))
with torch.no_grad():
    for k, v in P.items():
        if k.endswith('.bias') or k.endswith('noise_strength'):
            v.copy_(torch.randn(v.shape) * (0.3 if not k.startswith('map.') else 30.0))
out = {}
for k, v in P.items(): out[k] = v.detach().clone()
for k, v in B.items(): out[k] = v.clone()

# one modulated convolution, fused form (x [2,3,5,5], weight [4,3,3,3], styles [2,3])
sg.FUSED = True
x = torch.randn(2, 3, 5, 5); wt = torch.randn(4, 3, 3, 3); st = torch.randn(2, 3)
out['modconv.x'], out['modconv.weight'], out['modconv.styles'] = x, wt, st
out['modconv.out'] = sg.modulated_conv(x, wt, st, demod=True)
out['modconv.out_rgb'] = sg.modulated_conv(x, wt, st, demod=False)

n, L = 4, sg.num_ws(spec)
z = torch.randn(n, 8)
out['z'] = z
out['w'] = sg.mapping(P, spec, z)
ws = torch.randn(n, L, 8).requires_grad_(True)
out['ws'] = ws.detach().clone()
img = sg.synthesis(P, B, spec, ws, noise='const')
out['img'] = img
real = torch.rand(n, 1, 32, 32) * 2 - 1
out['real'] = real
out['logits'] = sg.discriminator(P, spec, real)
dnames = [k for k in P if k.startswith('D.')]
r1 = sg.r1_penalty(P, spec, real)
out['r1'] = r1
for k, g in zip(dnames, torch.autograd.grad(r1, [P[k] for k in dnames], allow_unused=True)):
    out['r1.grad.' + k] = g if g is not None else torch.zeros_like(P[k])
y = torch.randn(n, 1, 32, 32) / 32
out['pl.y'] = y
lens = sg.pl_lengths(P, B, spec, ws, y)
out['pl.len'] = lens
gnames = [k for k in P if k.startswith('syn.')]
for k, g in zip(gnames, torch.autograd.grad(lens.mean(), [P[k] for k in gnames], allow_unused=True)):
    out['pl.grad.' + k] = g if g is not None else torch.zeros_like(P[k])
save(os.path.join(OUT, 'sg2.safetensors'), out, {'spec': spec})
print('wrote', os.path.join(OUT, 'sg2.safetensors'), len(out), 'tensors')

# The conditional variant (fixtures/sg2_cond.safetensors): the same tiny spec with 3 classes.
#   every parameter (incl. map.embed, D.map.*); z, c (one-hot [4,3]), w (mapping of z and c);
#   real, c_real, logits (projection D); r1 of the conditional D and r1.grad.<name> for every D
#   parameter; wsum.grad.<name>: d sum(w) / d every mapping parameter.
torch.manual_seed(8)
spec_c = dict(spec, c_dim=3)
P, B = sg.build(spec_c, torch.Generator().manual_seed(2))
with torch.no_grad():
    for k, v in P.items():
        if k.endswith('.bias') or k.endswith('noise_strength'):
            v.copy_(torch.randn(v.shape) * (30.0 if 'map.fc' in k else 0.3))
out = {k: v.detach().clone() for k, v in P.items()}
for k, v in B.items(): out[k] = v.clone()
z = torch.randn(n, 8)
c = torch.nn.functional.one_hot(torch.tensor([0, 2, 1, 2]), 3).float()
out['z'], out['c'] = z, c
w = sg.mapping(P, spec_c, z, c)
out['w'] = w
mnames = [k for k in P if k.startswith('map.')]
for k, g in zip(mnames, torch.autograd.grad(w.sum(), [P[k] for k in mnames])):
    out['wsum.grad.' + k] = g
real = torch.rand(n, 1, 32, 32) * 2 - 1
c_real = torch.nn.functional.one_hot(torch.tensor([1, 1, 0, 2]), 3).float()
out['real'], out['c_real'] = real, c_real
out['logits'] = sg.discriminator(P, spec_c, real, c_real)
xr = real.clone().requires_grad_(True)
gx, = torch.autograd.grad(sg.discriminator(P, spec_c, xr, c_real).sum(), xr, create_graph=True)
r1 = gx.square().sum(dim=[1, 2, 3]).mean()
out['r1'] = r1
dnames = [k for k in P if k.startswith('D.')]
for k, g in zip(dnames, torch.autograd.grad(r1, [P[k] for k in dnames], allow_unused=True)):
    out['r1.grad.' + k] = g if g is not None else torch.zeros_like(P[k])
save(os.path.join(OUT, 'sg2_cond.safetensors'), out, {'spec': spec_c})
print('wrote', os.path.join(OUT, 'sg2_cond.safetensors'), len(out), 'tensors')

# Progressive growing (fixtures/sg2_grow.safetensors): the tiny spec with grow=1 (D.fromrgb8, D.fromrgb16).
#   every parameter and buffer; ws [4,L,8], real [4,1,32,32];
#   at stage 16x16 with alpha 0.3 (a fade-in): img (G, upsampled to 32x32), logits (D), r1 and r1.grad.<name>
#       for every D parameter, pl.y, pl.len and pl.grad.<name> for every synthesis parameter;
#   img8 / logits8: stage 8x8, alpha 1 (the first phase);  img32 / logits32: stage 32x32 (full), alpha 0.6.
torch.manual_seed(9)
spec_g = dict(spec, grow=1)
P, B = sg.build(spec_g, torch.Generator().manual_seed(3))
with torch.no_grad():
    for k, v in P.items():
        if k.endswith('.bias') or k.endswith('noise_strength'):
            v.copy_(torch.randn(v.shape) * (0.3 if not k.startswith('map.') else 30.0))
out = {k: v.detach().clone() for k, v in P.items()}
for k, v in B.items(): out[k] = v.clone()
ws = torch.randn(n, L, 8).requires_grad_(True)
real = torch.rand(n, 1, 32, 32) * 2 - 1
out['ws'], out['real'] = ws.detach().clone(), real
out['img'] = sg.synthesis(P, B, spec_g, ws, noise='const', stage_res=16, alpha=0.3)
out['logits'] = sg.discriminator(P, spec_g, real, stage_res=16, alpha=0.3)
out['img8'] = sg.synthesis(P, B, spec_g, ws, noise='const', stage_res=8)
out['logits8'] = sg.discriminator(P, spec_g, real, stage_res=8)
out['img32'] = sg.synthesis(P, B, spec_g, ws, noise='const', stage_res=32, alpha=0.6)
out['logits32'] = sg.discriminator(P, spec_g, real, stage_res=32, alpha=0.6)
r1 = sg.r1_penalty(P, spec_g, real, stage_res=16, alpha=0.3)
out['r1'] = r1
dnames = [k for k in P if k.startswith('D.')]
for k, g in zip(dnames, torch.autograd.grad(r1, [P[k] for k in dnames], allow_unused=True)):
    out['r1.grad.' + k] = g if g is not None else torch.zeros_like(P[k])
y = torch.randn(n, 1, 32, 32) / 32
out['pl.y'] = y
lens = sg.pl_lengths(P, B, spec_g, ws, y, stage_res=16, alpha=0.3)
out['pl.len'] = lens
gnames = [k for k in P if k.startswith('syn.')]
for k, g in zip(gnames, torch.autograd.grad(lens.mean(), [P[k] for k in gnames], allow_unused=True)):
    out['pl.grad.' + k] = g if g is not None else torch.zeros_like(P[k])
save(os.path.join(OUT, 'sg2_grow.safetensors'), out, {'spec': spec_g, 'stage_res': 16, 'alpha': 0.3})
print('wrote', os.path.join(OUT, 'sg2_grow.safetensors'), len(out), 'tensors')
