#!/usr/bin/python3
"""The projector of src/inversion/project.h in PyTorch, on the StyleGAN2 twin of bench/torch_stylegan2.py:
the peer of build/bench/bench_project, and the source of tools/make_inversion_fixtures.py's reference values.

Loss per image: pixel L2 (mean over C,H,W) + the LPIPS formula on the discriminator's feature maps
(fromRGB's output and each residual block's output; unit channel vectors with eps 1e-6; unit weights) +
1e5 x the reference projector's noise autocorrelation penalty when noise maps are optimised.  Schedule:
stylegan2-ada-pytorch projector.py (lr 0.1, 5% ramp-up, cosine ramp-down over the last 25%, code noise
w_std * 0.05 * (1 - t/0.75)^2), Adam betas (0.9, 0.999).

Bench:  /usr/bin/python3 bench/torch_project.py --threads 2 --steps 1000 --resolution 64
prints "RESULT impl=torch ... seconds=X" for one image (random-init networks of the default 64x64 config)."""
import argparse, math, os, sys, time
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_stylegan2 as sg


def noise_layer_names(spec):
    names, res = [], 4
    while res <= spec['resolution']:
        if res > 4: names.append(f'syn.b{res}.conv0')
        names.append(f'syn.b{res}.conv1')
        res *= 2
    return names


def d_features(P, spec, img):
    x = sg.eq_conv(P, 'D.fromrgb', img)
    feats, res = [x], spec['resolution']
    while res >= 8:
        skip = sg.eq_conv(P, f'D.b{res}.skip', x, down=True, act=False, gain=math.sqrt(0.5), bias=False)
        x = sg.eq_conv(P, f'D.b{res}.conv1', sg.eq_conv(P, f'D.b{res}.conv0', x), down=True, gain=math.sqrt(0.5))
        x = skip + x
        feats.append(x)
        res //= 2
    return feats


def unit(f): return f * (f.square().sum(dim=1, keepdim=True) + 1e-6).rsqrt()


def synth(P, B, spec, ws, noise):
    """noise: a list of maps per noise layer (None: the model's constant maps)"""
    if noise is not None:
        for name, nz in zip(noise_layer_names(spec), noise): B[name + '.noise_const'] = nz
    return sg.synthesis(P, B, spec, ws, noise='const')


def losses(P, B, spec, ws, noise, target, target_unit=None):
    img = synth(P, B, spec, ws, noise)
    l2 = (img - target).square().mean(dim=[1, 2, 3])
    tu = target_unit if target_unit is not None else [unit(f) for f in d_features(P, spec, target)]
    perc = sum((unit(a) - b).square().sum(dim=1).mean(dim=[1, 2]) for a, b in zip(d_features(P, spec, img), tu))
    return img, l2, perc


def noise_reg(v):
    """the reference projector's loop, per image: [N,1,H,W] -> [N]"""
    reg, noise = 0.0, v
    while True:
        reg = reg + (noise * torch.roll(noise, shifts=1, dims=3)).mean(dim=[1, 2, 3]) ** 2
        reg = reg + (noise * torch.roll(noise, shifts=1, dims=2)).mean(dim=[1, 2, 3]) ** 2
        if noise.shape[2] <= 8: break
        noise = F.avg_pool2d(noise, kernel_size=2)
    return reg


def project(P, B, spec, target, w_avg, w_std, num_steps=1000, bufs=None, initial_noise_factor=0.05, lr0=0.1,
            losses_out=None):
    """The reference loop in W space for target [1,C,R,R]; bufs: noise maps to optimise (None: constant maps)."""
    L = sg.num_ws(spec)
    w_opt = w_avg.detach().clone().reshape(1, 1, -1).requires_grad_(True)
    params = [w_opt] + (bufs or [])
    optimizer = torch.optim.Adam(params, betas=(0.9, 0.999), lr=lr0)
    with torch.no_grad():
        tu = [unit(f) for f in d_features(P, spec, target)]
    for step in range(num_steps):
        t = step / num_steps
        w_noise_scale = w_std * initial_noise_factor * max(0.0, 1.0 - t / 0.75) ** 2
        lr_ramp = min(1.0, (1.0 - t) / 0.25)
        lr_ramp = 0.5 - 0.5 * np.cos(lr_ramp * np.pi)
        lr_ramp = lr_ramp * min(1.0, t / 0.05)
        for g in optimizer.param_groups: g['lr'] = lr0 * lr_ramp
        w_noise = torch.randn_like(w_opt) * w_noise_scale
        ws = (w_opt + w_noise).repeat([1, L, 1])
        _, l2, perc = losses(P, B, spec, ws, bufs, target, tu)
        loss = (l2 + perc).sum()
        if bufs: loss = loss + 1e5 * sum(noise_reg(b).sum() for b in bufs)
        if losses_out is not None: losses_out.append(float(loss))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if bufs:
            with torch.no_grad():
                for b in bufs:
                    b -= b.mean()
                    b *= b.square().mean().rsqrt()
    return w_opt.detach().reshape(1, -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=1000)
    ap.add_argument('--resolution', type=int, default=64)
    ap.add_argument('--ch-base', type=int, default=1024)
    ap.add_argument('--ch-max', type=int, default=64)
    ap.add_argument('--z-dim', type=int, default=128)
    ap.add_argument('--map-layers', type=int, default=8)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    spec = dict(resolution=a.resolution, channels=1, z_dim=a.z_dim, w_dim=a.z_dim, map_layers=a.map_layers,
                ch_base=a.ch_base, ch_max=a.ch_max, mbstd_group=4)
    P, B = sg.build(spec, torch.Generator().manual_seed(1))
    for v in P.values(): v.requires_grad_(False)
    with torch.no_grad():
        w = sg.mapping(P, spec, torch.randn(10000, a.z_dim))
        w_avg, w_std = w.mean(0), float(((w - w.mean(0)).square().sum() / w.shape[0]).sqrt())
        target = sg.synthesis(P, B, spec, sg.mapping(P, spec, torch.randn(1, a.z_dim)).unsqueeze(1).repeat(1, sg.num_ws(spec), 1))
    t0, c0 = time.perf_counter(), time.process_time()
    project(P, B, spec, target, w_avg, w_std, a.steps)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print(f'RESULT impl=torch steps={a.steps} seconds={dt:.3f} steps_per_s={a.steps / dt:.3f} cpu_seconds={dc:.3f} '
          f'resolution={a.resolution} threads={a.threads} torch={torch.__version__}')


if __name__ == '__main__':
    main()
