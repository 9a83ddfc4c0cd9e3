#!/usr/bin/python3
"""Writes fixtures/inversion.safetensors for tests/test_inversion.c (seeded; run from the repository root):

    /usr/bin/python3 tools/make_inversion_fixtures.py

The StyleGAN2 twin of bench/torch_stylegan2.py (tiny spec: 32x32 grey, z = w = 8, 2 mapping layers,
channels min(64/r, 8)) and, written here in PyTorch independently of the C code:
  - the projector's loss on a point: per-image L2 and the LPIPS-formula distance on the discriminator's
    feature maps (fromRGB's output and each residual block's; unit channel vectors, eps 1e-6, unit
    weights), the noise-map autocorrelation penalty (the reference projector's loop, per image), and the
    gradients of  sum(l2 + perc) + 1e5 sum(reg)  with respect to the W+ codes and the noise maps;
  - the reference projector's schedule (stylegan2-ada-pytorch projector.py, copied) at a few steps;
  (the loss pieces are bench/torch_project.py's)
  - a 40-step run of the reference projector's loop (W space, noise maps optimised and renormalised,
    Adam betas 0.9/0.999, lr 0.1 with its ramps) with the code noise switched off (initial_noise_factor
    0: its draws are PyTorch's), from a given w and given starting noise maps: the final w and maps."""
import os, sys, math
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bench'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_stylegan2 as sg
import torch_project as tp
from make_fixtures import save

torch.set_num_threads(1)
torch.manual_seed(11)
OUT = sys.argv[1] if len(sys.argv) > 1 else 'fixtures'
spec = dict(resolution=32, channels=1, z_dim=8, w_dim=8, map_layers=2, ch_base=64, ch_max=8, mbstd_group=4)
P, B = sg.build(spec, torch.Generator().manual_seed(2))
with torch.no_grad():
    for k, v in P.items():
        if k.endswith('.bias') or k.endswith('noise_strength'):
            v.copy_(torch.randn(v.shape) * (0.3 if not k.startswith('map.') else 30.0))
for v in P.values(): v.requires_grad_(False)
out = {}
for k, v in P.items(): out[k] = v.detach().clone()
for k, v in B.items(): out[k] = v.clone()
L = sg.num_ws(spec)
noise_names = tp.noise_layer_names(spec)
def d_features(img): return tp.d_features(P, spec, img)
unit = tp.unit
def losses(ws, noise, target): return tp.losses(P, B, spec, ws, noise, target)
noise_reg = tp.noise_reg


n = 2
target = torch.tanh(torch.randn(n, 1, 32, 32))
ws = torch.randn(n, L, 8).requires_grad_(True)
noise = [torch.randn(n, 1, B[k + '.noise_const'].shape[2], B[k + '.noise_const'].shape[3]).requires_grad_(True) for k in noise_names]
out['target'] = target
out['ws'] = ws.detach().clone()
for k, nz in enumerate(noise): out[f'noise{k}'] = nz.detach().clone()
img, l2, perc = losses(ws, noise, target)
regs = [noise_reg(nz) for nz in noise]
out['img'], out['l2'], out['perc'] = img.detach(), l2.detach(), perc.detach()
out['reg'] = sum(regs).detach()
loss = (l2 + perc).sum() + 1e5 * sum(r.sum() for r in regs)
out['loss'] = loss.detach()
grads = torch.autograd.grad(loss, [ws] + noise)
out['grad.ws'] = grads[0]
for k, g in enumerate(grads[1:]): out[f'grad.noise{k}'] = g

# the reference projector's schedule, copied from stylegan2-ada-pytorch projector.py
num_steps, w_std, initial_learning_rate, initial_noise_factor = 1000, 2.5, 0.1, 0.05
lr_rampdown_length, lr_rampup_length, noise_ramp_length = 0.25, 0.05, 0.75
sched_steps = [0, 1, 10, 25, 49, 50, 100, 400, 700, 749, 750, 800, 875, 950, 999]
lrs, nstds = [], []
for step in sched_steps:
    t = step / num_steps
    w_noise_scale = w_std * initial_noise_factor * max(0.0, 1.0 - t / noise_ramp_length) ** 2
    lr_ramp = min(1.0, (1.0 - t) / lr_rampdown_length)
    lr_ramp = 0.5 - 0.5 * np.cos(lr_ramp * np.pi)
    lr_ramp = lr_ramp * min(1.0, t / lr_rampup_length)
    lrs.append(initial_learning_rate * lr_ramp); nstds.append(w_noise_scale)
out['sched.steps'] = torch.tensor(sched_steps, dtype=torch.float32)
out['sched.lr'] = torch.tensor(lrs, dtype=torch.float32)
out['sched.noise'] = torch.tensor(nstds, dtype=torch.float32)

# 40 steps of the reference loop (one image, W space, noise optimised; code noise off)
num_steps = 40
t1 = target[:1]
w_opt = torch.randn(1, 1, 8).requires_grad_(True)
bufs = [torch.randn(1, 1, nz.shape[2], nz.shape[3]).requires_grad_(True) for nz in noise]
out['run.w0'] = w_opt.detach().clone().reshape(1, 8)
for k, b in enumerate(bufs): out[f'run.noise0.{k}'] = b.detach().clone()
run_loss = []
w_final = tp.project(P, B, spec, t1, w_opt.detach().reshape(8), 1.0, num_steps, bufs, initial_noise_factor=0.0,
                     losses_out=run_loss)
out['run.target'] = t1
out['run.loss'] = torch.tensor(run_loss)
out['run.w'] = w_final
for k, b in enumerate(bufs): out[f'run.noise.{k}'] = b.detach().clone()
save(os.path.join(OUT, 'inversion.safetensors'), out, {'spec': spec})
print('wrote', os.path.join(OUT, 'inversion.safetensors'), len(out), 'tensors')
